/// A token of page markup.
struct MarkupToken: Sendable {
    enum Kind: Sendable {
        /// `<name`: the start of a start tag (the range is the name's).
        case tagOpen(SourceRange)
        /// `name="value"` or `name` alone inside a tag; the value range excludes the quotes.
        case attribute(name: SourceRange, value: SourceRange?)
        /// `>` or `/>` ending a start tag.
        case tagClose(selfClosing: Bool)
        /// `</name>`.
        case endTag(SourceRange)
        /// Text between tags (entities still encoded).
        case text
        case end
    }

    var kind: Kind
    var range: SourceRange
}

/// Splits markup into tags, attributes and text. Knows nothing of components.
struct MarkupLexer {
    private let file: SourceFile
    private let bytes: [UInt8]
    private var position = 0
    private var insideTag = false

    init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
    }

    private func error(_ code: String, _ message: String, _ range: SourceRange, notes: [String] = []) -> Diagnostic {
        .error(code, message, in: file, at: range, notes: notes)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        Lexer.isIdentifierPart(byte) || byte == 0x2D || byte == 0x3A || byte == 0x2E
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// The name at the current position (empty when there is none).
    private mutating func name() -> SourceRange {
        let start = position
        while position < bytes.count, Self.isNameByte(bytes[position]) { position += 1 }
        return SourceRange(start, position)
    }

    private func startsWith(_ text: StaticString) -> Bool {
        matches(text, at: position)
    }

    /// Compares bytes in place: this runs for every token, so it must not allocate.
    private func matches(_ text: StaticString, at index: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pattern = text.utf8Start
        for offset in 0..<count where bytes[index + offset] != pattern[offset] { return false }
        return true
    }

    mutating func next() throws(Diagnostic) -> MarkupToken {
        if insideTag { return try nextInsideTag() }
        let start = position
        guard position < bytes.count else { return MarkupToken(kind: .end, range: SourceRange(start, start)) }
        // Only '<' starts markup; anything else is text.
        if bytes[position] == 0x3C, position + 1 < bytes.count, bytes[position + 1] == 0x21, startsWith("<!--") {
            // Consecutive comments are skipped in a loop, so thousands of them cannot recurse.
            while startsWith("<!--") {
                let commentStart = position
                guard let close = find("-->", from: position + 4) else {
                    throw error(
                        "markup.comment", "unterminated comment", SourceRange(commentStart, commentStart + 4),
                        notes: ["close it with '-->'"])
                }
                position = close + 3
            }
            return try next()
        }
        if bytes[position] == 0x3C, position + 1 < bytes.count, bytes[position + 1] == 0x2F {
            position += 2
            let nameStart = position
            let tagName = name()
            guard tagName.upperBound > tagName.lowerBound else {
                throw error("markup.syntax", "expected a tag name after '</'", SourceRange(start, position + 1))
            }
            while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
            guard position < bytes.count, bytes[position] == 0x3E else {
                throw error(
                    "markup.syntax", "expected '>' to close '</\(file.text(of: tagName))'",
                    SourceRange(nameStart, position))
            }
            position += 1
            return MarkupToken(kind: .endTag(tagName), range: SourceRange(start, position))
        }
        if bytes[position] == 0x3C {
            position += 1
            let tagName = name()
            guard tagName.upperBound > tagName.lowerBound else {
                throw error(
                    "markup.syntax", "expected a tag name after '<'", SourceRange(start, start + 1),
                    notes: ["write '&lt;' for a literal '<'"])
            }
            insideTag = true
            return MarkupToken(kind: .tagOpen(tagName), range: SourceRange(start, position))
        }
        // Text runs to the next '<' that is not inside '{{ }}'.
        var inBinding = false
        while position < bytes.count {
            if !inBinding, bytes[position] == 0x3C { break }
            if bytes[position] == 0x7B, position + 1 < bytes.count, bytes[position + 1] == 0x7B { inBinding = true }
            if inBinding, bytes[position] == 0x7D, position + 1 < bytes.count, bytes[position + 1] == 0x7D {
                inBinding = false
            }
            position += 1
        }
        return MarkupToken(kind: .text, range: SourceRange(start, position))
    }

    private mutating func nextInsideTag() throws(Diagnostic) -> MarkupToken {
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        let start = position
        guard position < bytes.count else {
            throw error(
                "markup.syntax", "the file ends inside a tag", SourceRange(max(0, start - 1), start),
                notes: ["close the tag with '>' or '/>'"])
        }
        if startsWith("/>") {
            position += 2
            insideTag = false
            return MarkupToken(kind: .tagClose(selfClosing: true), range: SourceRange(start, position))
        }
        if bytes[position] == 0x3E {
            position += 1
            insideTag = false
            return MarkupToken(kind: .tagClose(selfClosing: false), range: SourceRange(start, position))
        }
        let attributeName = name()
        guard attributeName.upperBound > attributeName.lowerBound else {
            let character = String(decoding: bytes[position..<min(bytes.count, position + 1)], as: UTF8.self)
            throw error(
                "markup.syntax", "unexpected '\(character)' in a tag", SourceRange(start, start + 1),
                notes: ["attributes are written name=\"value\""])
        }
        let nameRange = SourceRange(start, position)
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        guard position < bytes.count, bytes[position] == 0x3D else {
            return MarkupToken(kind: .attribute(name: nameRange, value: nil), range: nameRange)
        }
        position += 1
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        guard position < bytes.count, bytes[position] == 0x22 || bytes[position] == 0x27 else {
            throw error(
                "markup.syntax", "the value of '\(file.text(of: attributeName))' must be in quotes",
                SourceRange(position, min(bytes.count, position + 1)))
        }
        let quote = bytes[position]
        let valueStart = position + 1
        var cursor = valueStart
        var inBinding = false
        while cursor < bytes.count {
            if bytes[cursor] == 0x7B, cursor + 1 < bytes.count, bytes[cursor + 1] == 0x7B { inBinding = true }
            if inBinding, bytes[cursor] == 0x7D, cursor + 1 < bytes.count, bytes[cursor + 1] == 0x7D {
                inBinding = false
            }
            if !inBinding, bytes[cursor] == quote { break }
            if bytes[cursor] == 0x0A && !inBinding { break }
            cursor += 1
        }
        guard cursor < bytes.count, bytes[cursor] == quote else {
            throw error(
                "markup.syntax", "unterminated value of '\(file.text(of: attributeName))'",
                SourceRange(valueStart - 1, cursor),
                notes: ["close the quote on the same line"])
        }
        position = cursor + 1
        return MarkupToken(
            kind: .attribute(name: nameRange, value: SourceRange(valueStart, cursor)),
            range: SourceRange(start, position))
    }

    private func find(_ text: StaticString, from start: Int) -> Int? {
        var index = start
        while index + text.utf8CodeUnitCount <= bytes.count {
            if matches(text, at: index) { return index }
            index += 1
        }
        return nil
    }
}
