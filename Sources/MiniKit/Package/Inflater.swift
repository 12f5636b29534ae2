import CZlibInflate

/// Inflates one zip entry with the system's zlib, bounded by the size its header declares.
///
/// The whole compressed entry is in memory, so one output buffer of the declared size plus one byte is
/// enough: a stream that would write more overruns into that byte and is refused, a stream that ends early
/// or stops making progress is refused, and the CRC-32 must match. Nothing here loops on input that stops
/// moving, and nothing is kept after an error.
enum Inflater {
    /// The entry's bytes, checked against its declared size and CRC-32.
    static func inflate(
        _ compressed: ArraySlice<UInt8>, method: ZipReader.Entry.Method, size: Int, crc32 expected: UInt32, path: String
    ) throws(Diagnostic) -> [UInt8] {
        let output: [UInt8]
        switch method {
        case .stored:
            output = Array(compressed)
        case .deflated:
            output = try inflateRaw(compressed, size: size, path: path)
        }
        guard checksum(output) == expected else {
            throw .error("package.corrupt", "'\(path)' cannot be unpacked: its CRC-32 does not match its content")
        }
        return output
    }

    /// The CRC-32 of zip (and zlib).
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, UInt32(buffer.count)))
        }
    }

    private static func inflateRaw(_ compressed: ArraySlice<UInt8>, size: Int, path: String) throws(Diagnostic)
        -> [UInt8]
    {
        var output = [UInt8](repeating: 0, count: size + 1)
        let result: Result<Int, Diagnostic> = compressed.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                run(input: input, output: out, path: path)
            }
        }
        let written = try result.get()
        guard written == size else {
            throw .error(
                "limit.unpacked-size", "'\(path)' unpacks to \(written) bytes, not the \(size) its header declares")
        }
        output.removeLast()
        return output
    }

    private static func run(input: UnsafeBufferPointer<UInt8>, output: UnsafeMutableBufferPointer<UInt8>, path: String)
        -> Result<Int, Diagnostic>
    {
        func damaged(_ why: String) -> Result<Int, Diagnostic> {
            .failure(.error("package.corrupt", "'\(path)' cannot be unpacked: \(why)"))
        }
        var stream = z_stream()
        guard minicatalog_inflate_init_raw(&stream) == Z_OK else { return damaged("zlib did not start") }
        defer { inflateEnd(&stream) }
        // zlib never writes through next_in; its type is only missing a const.
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(input.count)
        stream.next_out = output.baseAddress
        stream.avail_out = UInt32(output.count)
        while true {
            let before = (stream.avail_in, stream.avail_out)
            let status = CZlibInflate.inflate(&stream, Z_FINISH)
            let written = output.count - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                // The declared compressed size is exact: bytes after the end of the stream are not the entry's.
                guard stream.avail_in == 0 else { return damaged("data follows the end of its deflate stream") }
                guard written < output.count else {
                    return .failure(
                        .error("limit.unpacked-size", "'\(path)' unpacks to more than the size its header declares"))
                }
                return .success(written)
            case Z_OK, Z_BUF_ERROR:
                if stream.avail_out == 0 {
                    return .failure(
                        .error("limit.unpacked-size", "'\(path)' unpacks to more than the size its header declares"))
                }
                if stream.avail_in == 0 { return damaged("its deflate stream is cut short") }
                // No byte in and none out: the stream can go no further (and must never spin).
                if (stream.avail_in, stream.avail_out) == before { return damaged("its deflate stream is stuck") }
            case Z_NEED_DICT:
                return damaged("its deflate stream needs a preset dictionary")
            default:
                return damaged("its deflate stream is invalid")
            }
        }
    }
}
