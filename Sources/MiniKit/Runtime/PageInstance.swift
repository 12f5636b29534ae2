import MiniSupport

/// A page on the stack: its data, its navigation query and where focus and scrolling are.
public struct PageInstance: Sendable, Hashable {
    /// Unique for the life of the runtime, so late host answers for a closed page are recognised.
    public var id: Int
    public var page: Page
    public var data: [String: MiniValue]
    public var query: MiniValue
    public var focus: String?
    /// Where focus was before that control stopped taking it (disabled while a request runs, say): focus goes
    /// back there when it can, unless the user moved focus meanwhile.
    public var returnFocus: String?
    /// The customer moved focus (or used the focused element) on this page. Until then focus follows the first
    /// element, so a list that loads above a button takes focus instead of leaving it on the button.
    public var focusChosen = false
    public var scroll: Int = 0
    /// Text typed into inputs that have no bound value.
    public var inputOverrides: [String: String] = [:]

    /// The title shown in the host's navigation bar: the page's `title` data field, else the app name.
    public func title(appName: String) -> String {
        if case .string(let title)? = data["title"], !title.isEmpty { return title }
        return appName
    }
}

/// Input the host forwards to the running mini-program.
public enum RuntimeInput: Sendable, Hashable {
    case focusNext, focusPrevious, activate, left, right, backspace, back
    case character(Character)
}

/// A paused handler waiting for the host.
enum Continuation: Sendable {
    case apiResult(page: Int, call: APICall, frames: [HandlerFrame], locals: [String: MiniValue])
    case consent(page: Int, call: APICall, arguments: MiniValue, frames: [HandlerFrame], locals: [String: MiniValue])
    case modal(page: Int, confirm: [Action], cancel: [Action], frames: [HandlerFrame], locals: [String: MiniValue])
}

/// A block being run: its actions, how far it got, and its local names (`event`, `result`, `error`).
struct HandlerFrame: Sendable {
    var actions: [Action]
    var index = 0
    var locals: [String: MiniValue]
}
