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
