import Testing
import UTCTime

@Suite struct TimestampTests {
    @Test func formatsAsMarathonWithMilliseconds() {
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(1_440_620_619_463) == "2015-08-26T20:23:39.463Z")
        #expect(Timestamp.format(951_782_400_001) == "2000-02-29T00:00:00.001Z")
    }

    @Test func parsesWhatItFormatsAndCommonVariants() {
        for ms: Int64 in [0, 1_440_620_619_463, 951_782_400_001, 4_102_444_799_999] {
            #expect(Timestamp.parse(Timestamp.format(ms)) == ms)
        }
        #expect(Timestamp.parse("2015-08-26T20:23:39Z") == 1_440_620_619_000)
        #expect(Timestamp.parse("2015-08-26T20:23:39.463123Z") == 1_440_620_619_463)
        #expect(Timestamp.parse("2015-08-26T20:23:39.4+00:00") == 1_440_620_619_400)
        for bad in ["", "2015-08-26", "2015-13-26T20:23:39Z", "2015-08-26T20:23:39.Z", "2015-08-26T20:23:39+01:00"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }
}
