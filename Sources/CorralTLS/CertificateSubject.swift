/// A certificate's subject as Java's `X500Principal.getName()` writes it (RFC 2253): the
/// relative distinguished names last first, joined by commas, `+` inside a multi-valued
/// one, and the attribute types Java names (CN, C, L, ST, O, OU, STREET, DC, UID) by
/// name, every other by its dotted OID with the value as `#` and its DER in hex (a known
/// type whose value is not a string keeps its name, with the hex). This is
/// the identity ZooKeeper's x509 scheme gives a client (`x509:CN=alice,O=Corral`), so
/// ACLs written for ZooKeeper match.
///
/// Reads only what it needs of the DER and throws on anything malformed; no clock, no I/O.
public enum CertificateSubject {
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { "malformed certificate: \(reason)" }
    }

    /// The subject of the DER-encoded X.509 certificate `der`.
    public static func name(certificateDER der: [UInt8]) throws(Malformed) -> String {
        var outer = DERReader(der[...])
        var certificate = try outer.enter(tag: 0x30, "Certificate")
        var tbs = try certificate.enter(tag: 0x30, "TBSCertificate")
        if tbs.peekTag == 0xA0 { _ = try tbs.element("version") }
        _ = try tbs.element("serialNumber")
        _ = try tbs.element("signature")
        _ = try tbs.element("issuer")
        _ = try tbs.element("validity")
        var subject = try tbs.enter(tag: 0x30, "subject")
        var names: [String] = []
        while !subject.isAtEnd {
            var rdn = try subject.enter(tag: 0x31, "RelativeDistinguishedName")
            var parts: [String] = []
            while !rdn.isAtEnd {
                var pair = try rdn.enter(tag: 0x30, "AttributeTypeAndValue")
                let type = try pair.expect(tag: 0x06, "attribute type")
                let value = try pair.element("attribute value")
                parts.append(attribute(oid: type, value: value))
            }
            names.append(parts.joined(separator: "+"))
        }
        return names.reversed().joined(separator: ",")
    }

    /// The attribute types Java's RFC 2253 form writes by name.
    static let knownTypes: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
        "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
    ]

    /// `NAME=text`, or `NAME=#hex` of the value's DER when it is not a string; an unknown
    /// type by its dotted OID, always with the hex.
    static func attribute(oid: ArraySlice<UInt8>, value: DERElement) -> String {
        let dotted = dottedOID(oid)
        let name = knownTypes[dotted] ?? dotted
        guard knownTypes[dotted] != nil, let text = string(value) else {
            return name + "=#" + value.encoded.map(hex).joined()
        }
        return name + "=" + escaped(text)
    }

    /// The text of a directory string; nil for a type read as hex.
    static func string(_ element: DERElement) -> String? {
        switch element.tag {
        case 0x0C, 0x13, 0x16, 0x14, 0x1B:  // UTF8, Printable, IA5, Teletex, GeneralString
            return String(validating: element.content, as: UTF8.self)
                ?? String(decoding: element.content.map { UInt16($0) }, as: UTF16.self)
        case 0x1E:  // BMPString: UTF-16BE
            guard element.content.count % 2 == 0 else { return nil }
            let units = stride(from: element.content.startIndex, to: element.content.endIndex, by: 2).map {
                UInt16(element.content[$0]) << 8 | UInt16(element.content[$0 + 1])
            }
            return String(decoding: units, as: UTF16.self)
        default:
            return nil
        }
    }

    /// Java's escapes (`AVA.toRFC2253String`): `,=+<>#;"\` wherever they are, NUL as
    /// `\00`, and every space of a leading or trailing run.
    static func escaped(_ text: String) -> String {
        let characters = Array(text)
        let leading = characters.prefix { $0 == " " }.count
        let trailing = leading == characters.count ? 0 : characters.reversed().prefix { $0 == " " }.count
        var result = ""
        for (index, character) in characters.enumerated() {
            if character == "\u{0}" {
                result += "\\00"
                continue
            }
            let edge = index < leading || index >= characters.count - trailing
            if ",=+<>#;\"\\".contains(character) || (character == " " && edge) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    static func dottedOID(_ bytes: ArraySlice<UInt8>) -> String {
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        for byte in bytes {
            guard value < (1 << 56) else { return "?" }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                if arcs.isEmpty {
                    let first = min(value / 40, 2)
                    arcs = [first, value - first * 40]
                } else {
                    arcs.append(value)
                }
                value = 0
            }
        }
        return arcs.map(String.init).joined(separator: ".")
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

/// One DER element: its tag, its content and its whole encoding.
struct DERElement {
    let tag: UInt8
    let content: ArraySlice<UInt8>
    let encoded: ArraySlice<UInt8>
}

/// Walks DER elements in order; every length is checked against what is left.
struct DERReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }
    var peekTag: UInt8? { bytes.first }

    mutating func element(_ what: String) throws(CertificateSubject.Malformed) -> DERElement {
        guard bytes.count >= 2 else { throw .init(reason: "\(what) is cut short") }
        let start = bytes.startIndex
        let tag = bytes[start]
        guard tag & 0x1F != 0x1F else { throw .init(reason: "\(what) has a multi-byte tag") }
        var index = start + 1
        let first = bytes[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 4, bytes.endIndex - index >= count else {
                throw .init(reason: "\(what) has a bad length")
            }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard bytes.endIndex - index >= length else { throw .init(reason: "\(what) runs past its container") }
        let end = index + length
        let element = DERElement(tag: tag, content: bytes[index..<end], encoded: bytes[start..<end])
        bytes = bytes[end...]
        return element
    }

    mutating func expect(tag: UInt8, _ what: String) throws(CertificateSubject.Malformed) -> ArraySlice<UInt8> {
        let element = try element(what)
        guard element.tag == tag else { throw .init(reason: "\(what) has tag \(element.tag), expected \(tag)") }
        return element.content
    }

    mutating func enter(tag: UInt8, _ what: String) throws(CertificateSubject.Malformed) -> DERReader {
        DERReader(try expect(tag: tag, what))
    }
}
