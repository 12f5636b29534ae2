import Catalog
import Foundation
import GRDB
import MiniKit
import MiniSupport

/// A stored value this server does not know (a newer server wrote it, or the file was edited by hand). It is
/// never replaced by a guess: the read fails, and the problem middleware logs it and answers 500.
public struct UnknownStoredValue: Error, Sendable, CustomStringConvertible {
    public var table: String
    public var column: String
    public var value: String

    public init(table: String, column: String, value: String) {
        self.table = table
        self.column = column
        self.value = value
    }

    public var description: String {
        "the database holds '\(value)' in \(table).\(column), which this version of catalogd does not know"
    }
}

extension Row {
    /// The column's text as an enumeration case, or ``UnknownStoredValue``.
    func decoded<T: RawRepresentable>(_: T.Type, _ column: String, table: String) throws -> T
    where T.RawValue == String {
        let text: String = self[column]
        guard let value = T(rawValue: text) else {
            throw UnknownStoredValue(table: table, column: column, value: text)
        }
        return value
    }

    /// The column's text as a semantic version (nil only when the column is NULL), or ``UnknownStoredValue``.
    func version(_ column: String, table: String) throws -> SemanticVersion? {
        guard let text: String = self[column] else { return nil }
        guard let version = SemanticVersion(text) else {
            throw UnknownStoredValue(table: table, column: column, value: text)
        }
        return version
    }

    /// A NOT NULL column's text as a semantic version, or ``UnknownStoredValue``.
    func requiredVersion(_ column: String, table: String) throws -> SemanticVersion {
        let text: String = self[column]
        guard let version = SemanticVersion(text) else {
            throw UnknownStoredValue(table: table, column: column, value: text)
        }
        return version
    }

    /// A column holding a JSON array of strings (``StoredList``), or ``UnknownStoredValue``.
    func textList(_ column: String, table: String) throws -> [String] {
        try StoredList.items(self[column], table: table, column: column)
    }
}

/// A host's brand as both engines keep it in `host_app.brand`: JSON, or NULL.
public enum StoredBrand {
    public static func text(_ brand: HostBrand?) throws -> String? {
        try brand.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
    }

    public static func brand(_ text: String?) throws -> HostBrand? {
        try text.map { try JSONDecoder().decode(HostBrand.self, from: Data($0.utf8)) }
    }
}

/// An offer's gray audience as both engines keep it in `offer.gray`: the plan's own wire JSON, or NULL.
public enum StoredOffer {
    public static func grayText(_ gray: GrayRelease?) throws -> String? {
        guard let gray else { return nil }
        return String(decoding: try WireFormat.encoder().encode(gray), as: UTF8.self)
    }

    public static func gray(_ text: String?) throws -> GrayRelease? {
        guard let text else { return nil }
        return try WireFormat.decoder().decode(GrayRelease.self, from: Data(text.utf8))
    }
}

/// A list of strings kept in one text column as a JSON array (a host's user keys and client properties), the
/// same in every engine.
public enum StoredList {
    /// The column's text for `items`.
    public static func text(_ items: [String]) -> String {
        JSONValue.array(items.map(JSONValue.string)).serialized()
    }

    /// The items of a column's text, or ``UnknownStoredValue``.
    public static func items(_ text: String, table: String, column: String) throws -> [String] {
        guard case .array(let values)? = try? JSONValue.parse(Data(text.utf8)) else {
            throw UnknownStoredValue(table: table, column: column, value: text)
        }
        return try values.map { value in
            guard case .string(let item) = value else {
                throw UnknownStoredValue(table: table, column: column, value: text)
            }
            return item
        }
    }
}
