import Catalog
import Foundation
import GRDB

/// This installation's device identity: its key (a file of its own, mode 0600) and, per host, the device id
/// and token enrolment gave.
extension ShellStore {
    public static let deviceKeyFileName = "device.key"

    /// The device key, created on first use. It never leaves the data folder: it signs acknowledgements.
    public func deviceKey() throws -> SigningKey {
        let url = directory.appendingPathComponent(Self.deviceKeyFileName)
        if FileManager.default.fileExists(atPath: url.path) { return try KeyFiles.readSigningKey(at: url) }
        let key = SigningKey.generate()
        try KeyFiles.writePrivateKey(key, to: url)
        return key
    }

    /// The device id and token enrolment with `host` gave, if it happened.
    public func deviceCredential(host: String) throws -> (deviceId: String, token: String)? {
        try queue.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT device_id, token FROM device_credential WHERE host_id = ?", arguments: [host])
            else { return nil }
            return (row["device_id"], row["token"])
        }
    }

    public func saveDeviceCredential(host: String, deviceId: String, token: String) throws {
        try queue.write { db in
            try db.run(
                """
                INSERT INTO device_credential (host_id, device_id, token) VALUES (?, ?, ?)
                ON CONFLICT(host_id) DO UPDATE SET device_id = excluded.device_id, token = excluded.token
                """, [host, deviceId, token])
        }
    }

    /// Forgets the credential (the server no longer knows the token): the next request enrols again.
    public func forgetDeviceCredential(host: String) throws {
        try queue.write { db in try db.run("DELETE FROM device_credential WHERE host_id = ?", [host]) }
    }
}
