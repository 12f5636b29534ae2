/// The components a page may use, with the attributes and events each accepts. Registered in one place.
public enum ComponentKind: String, Sendable, Hashable, CaseIterable {
    case view, row, column, text, button, input, `switch`, picker, list, divider, navigator, progress

    /// What an attribute's value must be.
    public enum AttributeKind: Sendable, Hashable {
        case text
        case bool
        case number
        case list
        case choice([String])

        /// Whether a literal value must have a certain form (true/false, a number, one of the choices).
        var constrainsText: Bool {
            switch self {
            case .bool, .number, .choice: true
            case .text, .list: false
            }
        }
    }

    /// Attributes every component accepts.
    public static let commonAttributes: [String: AttributeKind] = ["id": .text, "hidden": .bool]

    /// The component's own attributes.
    public var attributes: [String: AttributeKind] { Self.attributeTable[ordinal] }

    /// The events the component fires.
    public var events: Set<String> { Self.eventTable[ordinal] }

    // Built once, by position: compiling a page asks these for every attribute.
    private static let attributeTable = allCases.map { $0.makeAttributes() }
    private static let eventTable = allCases.map { $0.makeEvents() }

    /// The component a tag names, matched as bytes (the parser asks this for every element); nil for none.
    init?(name: ArraySlice<UInt8>) {
        guard let first = name.first else { return nil }
        let candidate: ComponentKind
        switch (first, name.count) {
        case (0x76, 4): candidate = .view
        case (0x72, 3): candidate = .row
        case (0x63, 6): candidate = .column
        case (0x74, 4): candidate = .text
        case (0x62, 6): candidate = .button
        case (0x69, 5): candidate = .input
        case (0x73, 6): candidate = .switch
        case (0x70, 6): candidate = .picker
        case (0x6C, 4): candidate = .list
        case (0x64, 7): candidate = .divider
        case (0x6E, 9): candidate = .navigator
        case (0x70, 8): candidate = .progress
        default: return nil
        }
        var expected = candidate.rawValue.utf8.makeIterator()
        for byte in name where expected.next() != byte { return nil }
        self = candidate
    }

    /// The position in `allCases`.
    private var ordinal: Int {
        switch self {
        case .view: 0
        case .row: 1
        case .column: 2
        case .text: 3
        case .button: 4
        case .input: 5
        case .switch: 6
        case .picker: 7
        case .list: 8
        case .divider: 9
        case .navigator: 10
        case .progress: 11
        }
    }

    private func makeAttributes() -> [String: AttributeKind] {
        switch self {
        case .view: return ["padding": .number]
        case .row, .column: return ["gap": .number]
        case .list: return ["gap": .number, "empty": .text]
        case .text:
            return [
                "tone": .choice(["normal", "title", "heading", "muted", "accent", "success", "warning", "danger"]),
                "align": .choice(["left", "center", "right"]),
                // A label/value row: the label muted, the value aligned with its siblings' values.
                "label": .text,
            ]
        case .button: return ["type": .choice(["default", "primary", "warn"]), "disabled": .bool]
        case .input:
            return [
                "value": .text, "placeholder": .text, "label": .text, "maxlength": .number, "disabled": .bool,
                "type": .choice(["text", "number", "digit", "idcard", "password"]),
            ]
        case .switch: return ["checked": .bool, "label": .text, "disabled": .bool]
        case .picker: return ["range": .list, "range-key": .text, "value": .number, "label": .text, "disabled": .bool]
        case .divider: return ["label": .text]
        case .navigator: return ["url": .text, "open-type": .choice(["navigate", "redirect", "back"])]
        case .progress: return ["percent": .number, "label": .text]
        }
    }

    private func makeEvents() -> Set<String> {
        switch self {
        // Only what focus can reach can be activated in a terminal: containers and text take no events.
        case .button, .navigator: return ["tap"]
        case .input: return ["input", "confirm"]
        case .switch, .picker: return ["change"]
        case .view, .row, .column, .text, .list, .divider, .progress: return []
        }
    }

    /// Whether the component may contain other nodes.
    public var acceptsChildren: Bool {
        switch self {
        case .view, .row, .column, .list, .text, .button, .navigator: return true
        case .input, .switch, .picker, .divider, .progress: return false
        }
    }

    /// Whether only text (and bindings) may be inside.
    public var acceptsOnlyText: Bool { self == .text || self == .button || self == .navigator }

    /// Whether focus can land on it.
    public var isFocusable: Bool { [.button, .input, .switch, .picker, .navigator].contains(self) }

    /// The event attribute spellings: `bindtap`, `bind:tap`, `catchtap`, `catch:tap`. Returns the length of the
    /// prefix in `name`, nil when it is not an event attribute.
    static func eventPrefixLength(_ name: ArraySlice<UInt8>) -> Int? {
        // Compared as bytes: the compiler asks this for every attribute of every element.
        for prefix in ["bind:", "catch:", "bind", "catch"] as [StaticString] where name.count > prefix.utf8CodeUnitCount
        {
            if name.starts(with: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)) {
                return prefix.utf8CodeUnitCount
            }
        }
        return nil
    }
}
