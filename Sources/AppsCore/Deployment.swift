/// A change being rolled out (Marathon's deployment plan): the apps it affects, its steps
/// for display, and for each app the definition before (to roll back to) and after.
public struct Deployment: Sendable, Equatable {
    public var id: String
    /// The version of the change: the new definitions' version.
    public var version: Int64
    public var steps: [[Action]]
    /// The step in progress, from 1.
    public var currentStep = 1
    /// The definitions before the change, by app; nil for an app the change creates.
    public var original: [AppID: AppDefinition?]
    /// The definitions it rolls out; nil for an app it deletes.
    public var target: [AppID: AppDefinition?]

    public init(
        id: String, version: Int64, steps: [[Action]], original: [AppID: AppDefinition?],
        target: [AppID: AppDefinition?]
    ) {
        self.id = id
        self.version = version
        self.steps = steps
        self.original = original
        self.target = target
    }

    public var affectedApps: [AppID] { target.keys.sorted() }

    /// The actions of the step in progress.
    public var currentActions: [Action] { steps.indices.contains(currentStep - 1) ? steps[currentStep - 1] : [] }

    /// One thing a step does to one app.
    public struct Action: Sendable, Equatable {
        public var kind: Kind
        public var app: AppID

        public init(_ kind: Kind, _ app: AppID) {
            self.kind = kind
            self.app = app
        }

        public enum Kind: String, Sendable, Equatable {
            case startApplication = "StartApplication"
            case scaleApplication = "ScaleApplication"
            case restartApplication = "RestartApplication"
            case stopApplication = "StopApplication"
        }
    }

    /// The plan for moving `app` from `original` to `target`. `outdated`: tasks of the app
    /// run an older config than the target's (a restart was cut short by a forced change),
    /// so even a scale restarts them.
    public static func steps(
        from original: AppDefinition?, to target: AppDefinition?, app: AppID, outdated: Bool = false
    ) -> [[Action]] {
        switch (original, target) {
        case (nil, _): return [[Action(.startApplication, app)], [Action(.scaleApplication, app)]]
        case (_, nil): return [[Action(.stopApplication, app)]]
        case (let before?, let after?):
            let restart =
                outdated || after.differsInConfig(from: before) || after.lastConfigChangeAt != before.lastConfigChangeAt
            return restart ? [[Action(.restartApplication, app)]] : [[Action(.scaleApplication, app)]]
        }
    }
}
