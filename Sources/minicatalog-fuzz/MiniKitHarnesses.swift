import MiniSupport

#if FUZZING || DEBUG
    import Catalog
    import Foundation
    @testable import MiniKit

    /// The mini-program format: what partners upload and what shells install.
    enum MiniKitHarnesses {
        /// What the platform does with an upload: load and check it, word its diagnostics, keep the review report
        /// as JSON and read it back (AppRoutes' upload). A mutation inside an entry breaks its CRC-32, so the reader
        /// would refuse nearly every mutant before the pages: stored entries then get their CRC-32 repaired and the
        /// package is loaded again, which takes the mutated bytes to the manifest and page parsers.
        static func package(_ data: Data) {
            upload(data)
            if let repaired = withStoredChecksumsRepaired(data) { upload(repaired) }
        }

        private static func upload(_ data: Data) {
            let loaded = MiniKit.MiniProgram.load(package: data)
            _ = loaded.diagnostics.description
            if let report = loaded.report {
                guard let json = try? JSONEncoder().encode(report) else {
                    fuzzFinding("the review report does not encode")
                }
                guard (try? JSONValue.parse(json)) != nil else {
                    fuzzFinding("the review report's JSON does not parse")
                }
            }
        }

        /// The package with the central-directory CRC-32 of each stored entry set to match the entry's bytes; nil
        /// when the zip structure does not read or nothing needs repairing.
        static func withStoredChecksumsRepaired(_ data: Data) -> Data? {
            var bytes = [UInt8](data)
            func checksum(_ entry: ZipReader.Entry) -> UInt32 { Inflater.checksum(Array(bytes[entry.data])) }
            guard let entries = try? ZipReader(bytes).entries(),
                entries.contains(where: { $0.method == .stored && checksum($0) != $0.crc32 })
            else { return nil }
            func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
            func u32(_ offset: Int) -> Int { u16(offset) | u16(offset + 2) << 16 }
            // The end record as the reader finds it (it read, so it is there): the last whose comment ends the file.
            var end = bytes.count - 22
            while end >= 0, !(u32(end) == 0x0605_4B50 && end + 22 + u16(end + 20) == bytes.count) { end -= 1 }
            guard end >= 0 else { return nil }
            var position = u32(end + 16)
            for entry in entries {  // in central-directory order
                guard position >= 0, position + 46 <= end else { return nil }
                if entry.method == .stored {
                    let repaired = checksum(entry)
                    for index in 0..<4 {
                        bytes[position + 16 + index] = UInt8(truncatingIfNeeded: repaired >> (8 * index))
                    }
                }
                position += 46 + u16(position + 28) + u16(position + 30) + u16(position + 32)
            }
            return Data(bytes)
        }

        /// Source text as `MiniProgram.load` makes it (files that are not UTF-8 are refused there; here the bytes are
        /// repaired so that every input reaches the parser).
        private static func source(_ path: String, _ data: Data) -> SourceFile {
            SourceFile(path: path, text: String(decoding: data, as: UTF8.self))
        }

        static func markup(_ data: Data) {
            let file = source("pages/fuzz.mml", data)
            do {
                let (_, diagnostics) = try TemplateParser.parse(file)
                for diagnostic in diagnostics { _ = diagnostic.rendered }
            } catch {
                _ = error.rendered
            }
        }

        static func logic(_ data: Data) {
            let file = source("pages/fuzz.logic", data)
            do {
                _ = try LogicParser.parse(file)
            } catch {
                _ = error.rendered
            }
        }

        static func expression(_ data: Data) {
            let file = source("pages/fuzz.mml", data)
            do {
                _ = try ExpressionParser.parse(file, range: SourceRange(0, file.bytes.count))
            } catch {
                _ = error.rendered
            }
        }

        static func manifest(_ data: Data) {
            let file = source(Manifest.fileName, data)
            let (_, diagnostics) = Manifest.parse(file)
            for diagnostic in diagnostics { _ = diagnostic.rendered }
        }
    }
#endif
