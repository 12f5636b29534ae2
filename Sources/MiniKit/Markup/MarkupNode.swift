/// Text with `{{ expression }}` bindings: in element content and in attribute values.
public struct TemplateText: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case binding(Expression)
    }

    public var parts: [Part]
    public var range: SourceRange

    /// True when there is no binding.
    public var isStatic: Bool { parts.allSatisfy { if case .literal = $0 { return true } else { return false } } }

    /// The only expression when the text is exactly one `{{ }}` (its value keeps its type: a list stays a list).
    public var soleExpression: Expression? {
        guard parts.count == 1, case .binding(let expression) = parts[0] else { return nil }
        return expression
    }

    /// The text when it has no bindings.
    public var staticText: String? {
        guard isStatic else { return nil }
        return parts.map { if case .literal(let text) = $0 { return text } else { return "" } }.joined()
    }

    /// Every expression in order.
    public var expressions: [Expression] {
        parts.compactMap { if case .binding(let expression) = $0 { return expression } else { return nil } }
    }

    /// Parses `Hello {{ name }}!` out of `file[range]`, decoding entities in the literal parts.
    static func parse(_ file: SourceFile, _ range: SourceRange) throws(Diagnostic) -> TemplateText {
        var parts: [Part] = []
        let bytes = file.bytes
        var position = range.lowerBound
        var literalStart = position
        func flushLiteral(upTo end: Int) throws(Diagnostic) {
            guard end > literalStart else { return }
            parts.append(.literal(try Entities.decode(file, SourceRange(literalStart, end))))
        }
        while position < range.upperBound {
            if bytes[position] == 0x7B, position + 1 < range.upperBound, bytes[position + 1] == 0x7B {
                try flushLiteral(upTo: position)
                var close = position + 2
                while close + 1 < range.upperBound, !(bytes[close] == 0x7D && bytes[close + 1] == 0x7D) { close += 1 }
                guard close + 1 < range.upperBound else {
                    throw .error(
                        "markup.binding", "'{{' is not closed", in: file, at: SourceRange(position, position + 2),
                        notes: ["close the binding with '}}'"])
                }
                parts.append(.binding(try ExpressionParser.parse(file, range: SourceRange(position + 2, close))))
                position = close + 2
                literalStart = position
                continue
            }
            if bytes[position] == 0x7D, position + 1 < range.upperBound, bytes[position + 1] == 0x7D {
                throw .error(
                    "markup.binding", "'}}' without an opening '{{'", in: file, at: SourceRange(position, position + 2))
            }
            position += 1
        }
        try flushLiteral(upTo: range.upperBound)
        return TemplateText(parts: parts, range: range)
    }
}

/// An attribute as written: its name and its value (absent for a bare `disabled`).
public struct MarkupAttribute: Sendable, Hashable {
    public var name: String
    public var nameRange: SourceRange
    public var value: TemplateText?
}

/// An element as written, before components give it meaning.
public struct MarkupElement: Sendable, Hashable {
    public var name: String
    public var nameRange: SourceRange
    public var attributes: [MarkupAttribute]
    public var children: [MarkupNode]
    public var range: SourceRange

    public func attribute(_ name: String) -> MarkupAttribute? { attributes.first { $0.name == name } }
}

/// A node of the markup tree.
public indirect enum MarkupNode: Sendable, Hashable {
    case element(MarkupElement)
    case text(TemplateText)
}

/// XML character references: `&lt; &gt; &amp; &quot; &apos; &#20; &#x4E2D;`.
enum Entities {
    static func decode(_ file: SourceFile, _ range: SourceRange) throws(Diagnostic) -> String {
        let raw = file.text(of: range)
        guard raw.utf8.contains(0x26) else { return raw }
        var output = ""
        var index = raw.startIndex
        while index < raw.endIndex {
            let character = raw[index]
            guard character == "&" else {
                output.append(character)
                index = raw.index(after: index)
                continue
            }
            // A bare '&' (as in a URL query) stays literal; '&name;' must be a known reference.
            guard let semicolon = raw[index...].prefix(12).firstIndex(of: ";"),
                raw[raw.index(after: index)..<semicolon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "#" }),
                raw.index(after: index) < semicolon
            else {
                output.append("&")
                index = raw.index(after: index)
                continue
            }
            let name = raw[raw.index(after: index)..<semicolon]
            switch name {
            case "lt": output.append("<")
            case "gt": output.append(">")
            case "amp": output.append("&")
            case "quot": output.append("\"")
            case "apos": output.append("'")
            case "nbsp": output.append("\u{A0}")
            default:
                var value: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    value = UInt32(name.dropFirst(2), radix: 16)
                } else if name.hasPrefix("#") {
                    value = UInt32(name.dropFirst())
                }
                guard let value, let scalar = Unicode.Scalar(value) else { throw entityError(file, range, raw, index) }
                output.unicodeScalars.append(scalar)
            }
            index = raw.index(after: semicolon)
        }
        return output
    }

    private static func entityError(_ file: SourceFile, _ range: SourceRange, _ raw: String, _ index: String.Index)
        -> Diagnostic
    {
        let offset = range.lowerBound + raw[..<index].utf8.count
        return .error(
            "markup.entity", "unknown character reference", in: file, at: SourceRange(offset, offset + 1),
            notes: ["write '&amp;' for '&'; references are &lt; &gt; &amp; &quot; &apos; &#NN; &#xHH;"])
    }
}
