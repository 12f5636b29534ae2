import MiniKit
import TerminalCells

/// Everything the screens show; changed only by ``ShellReducer``.
public struct ShellState: Sendable, Hashable {
    public enum Screen: Sendable, Hashable {
        case login
        case home
        /// The service centre: the mini-programs of the user's catalog.
        case services
        /// Permissions per mini-program, storage, cache, language, switching user.
        case settings
        /// A running mini-program under the host's navigation bar.
        case container
    }

    /// A running mini-program, as the host shows it: its page (drawn by MiniKit) and the host's dialog.
    public struct Container: Sendable, Hashable {
        public var appId: String
        public var title: String
        public var canGoBack: Bool
        /// The page below the navigation bar.
        public var page: CellBuffer
        public var dialog: Dialog?
        /// What the capsule's "About" page shows.
        public var about: About?
        /// The capsule's menu (F3), open with this row highlighted.
        public var menu: Int?
        /// The About page is open over the mini-program.
        public var showingAbout = false
        /// The complaint form is open over the mini-program.
        public var complaint: ComplaintForm?
        /// The customer keeps this service among their favourites (home lists them).
        public var favourite = false

        public init(
            appId: String, title: String, canGoBack: Bool, page: CellBuffer, dialog: Dialog? = nil,
            about: About? = nil, menu: Int? = nil
        ) {
            self.appId = appId
            self.title = title
            self.canGoBack = canGoBack
            self.page = page
            self.dialog = dialog
            self.about = about
            self.menu = menu
        }

        /// The capsule's menu rows.
        public enum MenuItem: CaseIterable, Sendable {
            case about, favourite, complaint, permissions, reload, close
        }

        /// A mini-program as its About page presents it to the customer.
        public struct About: Sendable, Hashable {
            public var name: Text
            public var summary: Text
            /// The partner company, when the catalog names it.
            public var partner: String?
            public var category: String
            public var version: String
            /// The scopes the catalog granted (the page says what each allows, in words).
            public var scopes: [String]
            public var domains: [String]

            public init(
                name: Text, summary: Text, partner: String?, category: String, version: String, scopes: [String],
                domains: [String]
            ) {
                self.name = name
                self.summary = summary
                self.partner = partner
                self.category = category
                self.version = version
                self.scopes = scopes
                self.domains = domains
            }
        }
    }

    /// What the host asks the user on a mini-program's behalf.
    public enum Dialog: Sendable, Hashable {
        case consent(ConsentDialog)
        case payment(PaymentDialog)
        case modal(title: String, content: String, confirm: String, cancel: String?)
    }

    /// What the settings screen shows for the signed-in user.
    public struct Settings: Sendable, Hashable {
        /// Nobody signed in: nothing to show.
        public static let empty = Settings(permissions: [], storage: [], packages: 0, packageBytes: 0)

        /// A sensitive scope of one mini-program for this customer: allowed, denied, or not asked yet (nil).
        public struct Permission: Sendable, Hashable {
            public var app: String
            public var scope: String
            public var granted: Bool?
            public init(app: String, scope: String, granted: Bool?) {
                self.app = app
                self.scope = scope
                self.granted = granted
            }
        }
        public struct Storage: Sendable, Hashable {
            public var app: String
            public var keys: Int
            public var bytes: Int
            public init(app: String, keys: Int, bytes: Int) {
                self.app = app
                self.keys = keys
                self.bytes = bytes
            }
        }
        public var permissions: [Permission]
        public var storage: [Storage]
        /// Installed packages and their total size.
        public var packages: Int
        public var packageBytes: Int
        /// Three wrong payment PINs: payments stay refused until the customer signs in again.
        public var paymentsLocked: Bool

        public init(
            permissions: [Permission], storage: [Storage], packages: Int, packageBytes: Int,
            paymentsLocked: Bool = false
        ) {
            self.paymentsLocked = paymentsLocked
            self.permissions = permissions
            self.storage = storage
            self.packages = packages
            self.packageBytes = packageBytes
        }
    }

    /// A row of the settings screen that Enter acts on.
    public enum SettingsItem: Sendable, Hashable {
        case language
        /// A permission: Enter switches it between allowed and denied (not asked yet: allows it).
        case permission(ShellState.Settings.Permission)
        case clearCache
        case switchUser
    }

    /// A mini-program as the service centre lists it.
    public struct Service: Sendable, Hashable {
        public var id: String
        /// Its name and description for people, in English and (when the catalog has them) in Chinese.
        public var name: Text
        public var summary: Text
        public var category: String
        /// From a gray release: this user is in its audience ("beta").
        public var gray: Bool
        /// Its package is on the device, verified.
        public var installed: Bool
        /// In this customer's list for less than a week ("new").
        public var isNew: Bool

        public init(
            id: String, name: Text, summary: Text = Text(""), category: String, gray: Bool,
            installed: Bool, isNew: Bool = false
        ) {
            self.id = id
            self.name = name
            self.summary = summary
            self.category = category
            self.gray = gray
            self.installed = installed
            self.isNew = isNew
        }
    }

    /// A text the catalog gives in English and perhaps Chinese: the screens pick by their language.
    public struct Text: Sendable, Hashable, ExpressibleByStringLiteral {
        public var english: String
        public var chinese: String?

        public init(_ english: String, chinese: String? = nil) {
            self.english = english
            self.chinese = chinese
        }

        public init(stringLiteral value: String) { self.init(value) }

        /// In the language, or English when there is no translation.
        public func callAsFunction(_ language: UILanguage) -> String {
            language == .chinese ? chinese ?? english : english
        }
    }

    /// Where the shell's catalog stands.
    public enum SyncStatus: Sendable, Hashable {
        /// No server configured: the demo runs without services.
        case offline
        case syncing
        /// A verified catalog of this version; `expires` is when launching stops without a refresh.
        case current(version: UInt64, expires: String)
        /// The server cannot be reached; the catalog (when there is one) still holds until `expires`.
        case disconnected(reason: String, expires: String?)
        /// Expired and not refreshed: launching is refused.
        case expired
    }

    /// What the QA panel shows: the shell's sync state in detail.
    public struct Diagnostics: Sendable, Hashable {
        public var server: String
        public var host: String
        /// The device id enrolment gave; nil before it.
        public var deviceId: String?
        public var catalogVersion: UInt64?
        public var eventSequence: UInt64?
        public var issuedAt: String?
        public var launchableUntil: String?
        /// Installed packages: app id, version, the first 12 hex digits of the hash.
        public var installed: [(app: String, version: String, sha: String)]
        /// The user's services: app id, version, and for a gray version why this user has it (nil: stable).
        public var listed: [(app: String, version: String, gray: String?)]
        /// The newest lines of the sync log: time, kind, detail.
        public var log: [(at: String, kind: String, detail: String)]

        public init(
            server: String, host: String, deviceId: String?, catalogVersion: UInt64?, eventSequence: UInt64?,
            issuedAt: String?, launchableUntil: String?, installed: [(app: String, version: String, sha: String)],
            listed: [(app: String, version: String, gray: String?)] = [],
            log: [(at: String, kind: String, detail: String)]
        ) {
            self.listed = listed
            self.server = server
            self.host = host
            self.deviceId = deviceId
            self.catalogVersion = catalogVersion
            self.eventSequence = eventSequence
            self.issuedAt = issuedAt
            self.launchableUntil = launchableUntil
            self.installed = installed
            self.log = log
        }

        public static func == (a: Diagnostics, b: Diagnostics) -> Bool {
            a.server == b.server && a.host == b.host && a.deviceId == b.deviceId && a.catalogVersion == b.catalogVersion
                && a.eventSequence == b.eventSequence && a.issuedAt == b.issuedAt
                && a.launchableUntil == b.launchableUntil
                && a.installed.map { "\($0.app)|\($0.version)|\($0.sha)" }
                    == b.installed.map { "\($0.app)|\($0.version)|\($0.sha)" }
                && a.listed.map { "\($0.app)|\($0.version)|\($0.gray ?? "-")" }
                    == b.listed.map { "\($0.app)|\($0.version)|\($0.gray ?? "-")" }
                && a.log.map { "\($0.at)|\($0.kind)|\($0.detail)" } == b.log.map { "\($0.at)|\($0.kind)|\($0.detail)" }
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(server)
            hasher.combine(catalogVersion)
            hasher.combine(installed.count)
            hasher.combine(log.count)
        }
    }

    /// Why a service did not open, for the screens to say in their language.
    public enum Refusal: Sendable, Hashable {
        case delisted(reason: String)
        /// The service list expired at this local time (`HH:mm`) and could not be refreshed.
        case expired(at: String)
        case notSynced, notListed, notInstalled
        case verificationFailed(String)
        /// The shell runs without a catalog server (the offline demo).
        case noServer
    }

    /// A notice for the user: a service was taken down (its code and data on this device are gone).
    public struct Notice: Sendable, Hashable {
        public var service: Text
        public var reason: String

        public init(service: Text, reason: String) {
            self.service = service
            self.reason = reason
        }
    }

    /// How the host app presents itself (from its signed catalog): the title, the word for services, the
    /// title bar's accent.
    public struct Brand: Sendable, Hashable {
        public var title: Text
        public var services: Text
        /// A colour name the terminal's palette has (`blue`, `green`, …).
        public var accent: String

        public init(title: Text, services: Text, accent: String) {
            self.title = title
            self.services = services
            self.accent = accent
        }
    }

    /// The host's brand, once a catalog brought one.
    public var brand: Brand?

    /// The screens' title: the host's, else the shell's own.
    public var appTitle: String { brand?.title(language) ?? Strings.text(.appName, language) }

    /// The service centre's name: the host's word, else the shell's own.
    public func servicesTitle(short: Bool) -> String {
        brand?.services(language) ?? Strings.text(short ? .servicesShort : .services, language)
    }

    /// The smallest terminal the screens are laid out for.
    public static let minimumSize = (width: 60, height: 16)

    /// The area a mini-program's page gets on a screen of this size: below the navigation bar, above the key
    /// hints, one column of margin on each side (the shell's own screens are indented too).
    public static func pageArea(width: Int, height: Int) -> (width: Int, height: Int) {
        (max(1, width - 2), max(1, height - 2))
    }

    public var screen: Screen = .login
    public var language: UILanguage
    public var bank: DemoBank
    public var width: Int
    public var height: Int
    /// The keys overlay (`?`).
    public var showingHelp = false

    /// Login: the highlighted row (the demo users, then "another user id").
    public var loginSelection = 0
    /// Login: the id being typed, when typing.
    public var typedUser: String?

    /// The signed-in user.
    public var user: DemoBank.User?
    /// What the bank paid for the signed-in user (from the shell's store), newest first.
    public var payments: [DemoBank.Payment] = []

    /// An account's balance now: what the bank file opened it with, less the payments from it.
    public func balance(_ account: DemoBank.Account) -> Double {
        payments.reduce(account.balance) { $1.account == account.number ? $0 + $1.transaction.amount : $0 }
    }

    /// The signed-in user's transactions, newest first: the payments, then the bank file's history.
    public var transactions: [DemoBank.Transaction] {
        payments.map(\.transaction) + (user?.transactions ?? [])
    }
    /// The user's services, from the verified catalog.
    public var services: [Service] = []
    public var sync: SyncStatus = .offline
    /// The settings screen's data (from the session) and highlighted row.
    public var settings = Settings.empty
    public var settingsSelection = 0
    /// The rows Enter acts on, in screen order: language, each permission, clear cache, switch user.
    public var settingsItems: [SettingsItem] {
        [.language] + settings.permissions.map { .permission($0) } + [.clearCache, .switchUser]
    }

    /// The open mini-program, if any.
    public var container: Container?
    /// A short message over any screen (a toast, a refused launch); any key dismisses it.
    public var toast: String?

    /// The QA panel (F2 or ctrl-d) and what it shows.
    public var showingDiagnostics = false
    public var diagnostics: Diagnostics?
    /// Notices waiting to be read, oldest first; the first one is shown over everything.
    public var notices: [Notice] = []
    /// Services: the highlighted row; the search text (`/`), and whether it is being typed.
    public var serviceSelection = 0
    public var search = ""
    public var searching = false
    /// A service's name for people in the screens' language, by its id (the id when the list no longer has it).
    public func serviceName(_ id: String) -> String { services.first { $0.id == id }?.name(language) ?? id }

    /// The services the list shows: all, or those matching the search.
    public var visibleServices: [Service] {
        guard !search.isEmpty else { return services }
        let needle = search.lowercased()
        return services.filter {
            $0.name.english.lowercased().contains(needle) || $0.name.chinese?.contains(needle) == true
                || $0.id.lowercased().contains(needle)
                || $0.category.lowercased().contains(needle)
                || Strings.category($0.category, language).lowercased().contains(needle)
        }
    }
    /// Home: the highlighted item (the actions, then the shortcuts to services).
    public var homeFocus = 0
    /// The customer's favourite services and the ones they opened last, newest first (app ids).
    public var favourites: [String] = []
    public var recents: [String] = []
    /// Where closing a mini-program returns to: the service centre, or home when opened from a shortcut.
    public var containerReturn: Screen = .services

    /// Home's shortcuts: favourites, then recently used ones that are not favourites, each only while the
    /// customer's list has it.
    public var shortcuts: [String] {
        let listed = Set(services.map(\.id))
        var seen = Set<String>()
        return (favourites + recents).filter { listed.contains($0) && seen.insert($0).inserted }.prefix(6).map { $0 }
    }

    public init(language: UILanguage, bank: DemoBank, width: Int, height: Int) {
        self.language = language
        self.bank = bank
        self.width = width
        self.height = height
    }

    public var isTooSmall: Bool { width < Self.minimumSize.width || height < Self.minimumSize.height }
}
