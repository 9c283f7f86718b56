import Foundation
import Testing
import VAECF
import VAECFCore
import VAECFData

@Suite("CollaborativeFilter: fit, recommend, similar items, evaluate, save and load")
struct CollaborativeFilterTests {
    /// Synthetic interactions with topic structure, as (user, item) pairs.
    /// `users` users, or with `heldOut` the first `users` of `users + heldOut` users (`fit`) and the others
    /// (`heldOut`), from one synthetic population.
    static func interactions(
        users: Int = 400, heldOut: Int = 0, seed: UInt64 = 5
    ) -> (fit: Interactions, heldOut: Interactions) {
        let table = SyntheticInteractions.generate(
            SyntheticSettings(
                users: users + heldOut, items: 100, interactions: (users + heldOut) * 20, topics: 6, seed: seed))
        var fit = Interactions()
        var others = Interactions()
        for row in 0..<table.count {
            let (user, item) = (table.userIDs[Int(table.users[row])], table.itemIDs[Int(table.items[row])])
            if table.users[row] < Int32(users) {
                fit.append(user: user, item: item)
            } else {
                others.append(user: user, item: item)
            }
        }
        return (fit, others)
    }

    static func options(epochs: Int = 6, validationUsers: Int = 40) -> FitOptions {
        var options = FitOptions(model: .multvae, seed: 3)
        options.encoderDimensions = [24, 8]
        options.training.epochs = epochs
        options.training.batchSizeTrain = 64
        options.training.totalAnnealSteps = 50
        options.validationUsers = validationUsers
        options.threads = 2
        return options
    }

    @Test("fit reports every epoch, keeps the best validation, and answers by user id, by items and by item")
    func fitAndQuery() async throws {
        let interactions = Self.interactions().fit
        let reports = Locked<[FitProgress]>([])
        let model = try await CollaborativeFilter.fit(interactions, options: Self.options()) { report in
            reports.mutate { $0.append(report) }
        }
        let seen = reports.value
        #expect(seen.map(\.epoch) == Array(0..<6))
        #expect(seen.allSatisfy { $0.validation != nil && $0.loss.total.isFinite })
        #expect(model.validation != nil && model.kind == .multvae)

        let user = interactions.userIDs[0]
        let mine = Set(interactions.itemsOf(user: user))
        let top = try model.recommend(user: user, count: 10)
        #expect(top.count == 10 && top.allSatisfy { !mine.contains($0.id) })
        #expect(zip(top, top.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(model.recommend(items: Array(mine), count: 10) == top)
        let allowed = Array(top.suffix(3).map(\.id)) + ["unknown-item"]
        #expect(try model.recommend(user: user, count: 10, allow: allowed).map(\.id) == top.suffix(3).map(\.id))
        #expect(
            model.recommend(items: Array(mine), count: 2, allow: allowed, exclude: [top[7].id]).map(\.id)
                == [top[8].id, top[9].id])
        let similar = try model.similarItems(to: top[0].id, count: 5)
        #expect(similar.count == 5 && !similar.contains { $0.id == top[0].id })
        #expect(throws: RecommenderError.unknownUser("nobody")) { try model.recommend(user: "nobody") }
        #expect(throws: RecommenderError.unknownItem("nothing")) { try model.similarItems(to: "nothing") }
    }

    @Test("the same seed gives the same model; save and load keep the answers")
    func determinismAndFiles() async throws {
        let interactions = Self.interactions(users: 200).fit
        let first = try await CollaborativeFilter.fit(interactions, options: Self.options(epochs: 2))
        let second = try await CollaborativeFilter.fit(interactions, options: Self.options(epochs: 2))
        let user = interactions.userIDs[3]
        #expect(try first.recommend(user: user) == second.recommend(user: user))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-api-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try first.save(to: url)
        let loaded = try CollaborativeFilter.load(from: url, threads: 2)
        #expect(try loaded.recommend(user: user) == first.recommend(user: user))
        #expect(loaded.itemIDs == first.itemIDs)
    }

    @Test("evaluate on users of the caller's own; a trained model beats an untrained one")
    func evaluation() async throws {
        let (interactions, others) = Self.interactions(users: 400, heldOut: 120)
        let trained = try await CollaborativeFilter.fit(
            interactions, options: Self.options(epochs: 8, validationUsers: 0))
        let untrained = try await CollaborativeFilter.fit(
            interactions, options: Self.options(epochs: 1, validationUsers: 0))
        let good = trained.evaluate(others)
        let poor = untrained.evaluate(others)
        #expect(good.userCount > 100 && good.ndcgAt100 > poor.ndcgAt100, "\(good) vs \(poor)")
        #expect(trained.validation == nil)
    }

    @Test("EASE through the same calls")
    func ease() async throws {
        var options = Self.options()
        options.model = .ease
        options.easeLambda = 50
        let interactions = Self.interactions(users: 200).fit
        let model = try await CollaborativeFilter.fit(interactions, options: options)
        #expect(model.kind == .ease && model.validation != nil)
        #expect(try model.recommend(user: interactions.userIDs[0], count: 5).count == 5)
    }

    @Test("RecVAE through the same calls, from its own preset")
    func recVAE() async throws {
        var options = FitOptions(model: .recvae, seed: 2)
        #expect(options.training.learningRate == TrainingConfiguration(preset: .recvae).learningRate)
        options.encoderDimensions = [16, 6]
        options.training.epochs = 2
        options.training.batchSizeTrain = 64
        options.validationUsers = 30
        options.threads = 2
        let interactions = Self.interactions(users: 200).fit
        let model = try await CollaborativeFilter.fit(interactions, options: options)
        #expect(model.kind == .recvae && model.validation != nil)
        #expect(try model.recommend(user: interactions.userIDs[0], count: 5).count == 5)
    }

    @Test("cancelling the task stops the fit after the current epoch")
    func cancellation() async throws {
        let interactions = Self.interactions(users: 200).fit
        let started = AsyncStream<Void>.makeStream()
        let task = Task {
            try await CollaborativeFilter.fit(interactions, options: Self.options(epochs: 10_000)) { _ in
                started.continuation.yield()
            }
        }
        for await _ in started.stream { break }
        task.cancel()
        await #expect(throws: CollaborativeFilterError.cancelled) { _ = try await task.value }
    }

    @Test("no usable interaction, and too many validation users, are errors with cases")
    func errors() async throws {
        var empty = Interactions()
        empty.append(user: "u", item: "i", weight: 0)
        await #expect(throws: CollaborativeFilterError.noInteractions) {
            _ = try await CollaborativeFilter.fit(empty, options: Self.options())
        }
        let pairs = Interactions([("a", "x"), ("b", "y")])
        await #expect(throws: CollaborativeFilterError.tooFewUsers(users: 2, validationUsers: 2)) {
            _ = try await CollaborativeFilter.fit(pairs, options: Self.options(validationUsers: 2))
        }
        #expect(CollaborativeFilterError.cancelled.localizedDescription == "the fit was cancelled")
        var bad = Self.options()
        bad.keepProbability = 0
        await #expect(throws: CollaborativeFilterError.invalidOption("keep-probability is 0.0, it must be in (0, 1]")) {
            _ = try await CollaborativeFilter.fit(pairs, options: bad)
        }
        await #expect(throws: CollaborativeFilterError.negativeValidationUsers(-1)) {
            _ = try await CollaborativeFilter.fit(pairs, options: Self.options(validationUsers: -1))
        }
        var ease = FitOptions(model: .ease)
        ease.easeLambda = -3
        await #expect(
            throws: CollaborativeFilterError.invalidOption("ease-lambda is -3.0, a positive number is needed")
        ) {
            _ = try await CollaborativeFilter.fit(pairs, options: ease)
        }
    }

    @Test("a fit whose loss becomes NaN is the diverged case, naming the epoch")
    func diverged() async throws {
        var options = Self.options(epochs: 2, validationUsers: 0)
        options.training.learningRate = 1e30
        await #expect {
            _ = try await CollaborativeFilter.fit(Self.interactions(users: 100).fit, options: options)
        } throws: { error in
            guard case .diverged(let epoch, _, let loss)? = error as? CollaborativeFilterError else { return false }
            return epoch <= 1 && !loss.isFinite
        }
    }
}

extension Interactions {
    /// The item ids of `user`'s rows.
    func itemsOf(user: String) -> [String] {
        (0..<count).map { self[$0] }.filter { $0.user == user }.map(\.item)
    }
}

/// A value behind a lock, for collecting reports from the fit's thread.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `stored` is only touched while `lock` is held.
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
