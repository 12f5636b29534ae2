import MiniSupport

/// The names an expression can see: page data at the bottom, then list-item names, then handler names
/// (`event`, `result`, `error`). An immutable stack: pushing a frame never changes the frames below.
public final class Scope: Sendable {
    private let names: [String: MiniValue]
    private let parent: Scope?

    public init(_ names: [String: MiniValue], parent: Scope? = nil) {
        self.names = names
        self.parent = parent
    }

    /// A new scope with `names` on top of this one.
    public func pushing(_ names: [String: MiniValue]) -> Scope { Scope(names, parent: self) }

    /// The value of a name, searching from the top frame down.
    public func lookup(_ name: String) -> MiniValue? {
        var scope: Scope? = self
        while let current = scope {
            if let value = current.names[name] { return value }
            scope = current.parent
        }
        return nil
    }
}
