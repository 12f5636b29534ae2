import Catalog
import CatalogServer
import Foundation
import Testing

/// The store contract for hosts' brands, against SQLite and PostgreSQL.
struct HostBrandStoreContractTests {
    @Test(
        "a brand is kept with its host, replaced, removed, and refused for an unknown host",
        arguments: StoreEngine.allCases)
    func brand(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, reopen in
            let brand = HostBrand(title: "Metro Pay", titleZh: "地铁支付", accent: .green, services: "City services")
            try await store.saveHostApp(HostApp(id: "metropay", name: "Metro Pay", brand: brand), audit: nil)
            #expect(try await store.hostApp(id: "metropay")?.brand == brand)
            var other = brand
            other.accent = .magenta
            other.servicesZh = "城市服务"
            #expect(try await store.setBrand(hostId: "metropay", brand: other, audit: nil))
            #expect(try await store.setBrand(hostId: "nowhere", brand: other, audit: nil) == false)
            let reopened = try await reopen()
            #expect(try await reopened.hostApp(id: "metropay")?.brand == other)
            #expect(try await reopened.setBrand(hostId: "metropay", brand: nil, audit: nil))
            #expect(try await reopened.hostApp(id: "metropay")?.brand == nil)
        }
    }
}
