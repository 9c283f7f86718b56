import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

/// Recommendations for a user seen in training, by id, from the rows the model file keeps.
@Suite("Known users")
struct KnownUserTests {
    static let rows: [[Int32]] = [[1, 4, 9], [], [0, 2, 3, 5, 30, 49]]

    static func trainingUsers() throws -> TrainingUsers {
        try TrainingUsers(
            userIDs: ["alice", "bob", "carol"], rows: CSRMatrix(columnCount: RecommendFixture.itemCount, rows: rows))
    }

    static func recommender() throws -> Recommender {
        Recommender(
            trained: .autoencoder(RecommendFixture.model()), itemIDs: RecommendFixture.itemIDs(),
            gemm: .portable(threadCount: 2), threadCount: 2, trainingUsers: try trainingUsers())
    }

    @Test("a known user's recommendations equal a fold-in recommendation with the same items")
    func equalsFoldIn() throws {
        let recommender = try Self.recommender()
        for (user, row) in zip(["alice", "bob", "carol"], Self.rows) {
            let items = row.map { "item\($0)" }
            let byID = try recommender.recommend(user: user, count: 10, exclude: ["item7", "ghost"])
            let byItems = recommender.recommend([
                RecommendationQuery(items: items, count: 10, exclude: ["item7", "ghost"])
            ])[0]
            #expect(byID == byItems)
            #expect(byID.unknown == ["ghost"])
            #expect(Set(byID.items.map(\.id)).isDisjoint(with: items + ["item7"]))
            #expect(try recommender.query(forUser: user, count: 10) == RecommendationQuery(items: items, count: 10))
        }
    }

    @Test("several users in one call give the answers of one call each; an unknown one fails the call")
    func batch() throws {
        let recommender = try Self.recommender()
        let users = ["carol", "alice", "bob", "alice"]
        let batch = try recommender.recommend(users: users, count: 8, exclude: ["item11"])
        #expect(batch.count == users.count)
        for (user, result) in zip(users, batch) {
            #expect(result == (try recommender.recommend(user: user, count: 8, exclude: ["item11"])))
        }
        #expect(throws: RecommenderError.unknownUser("zed")) {
            try recommender.recommend(users: ["alice", "zed"], count: 3)
        }
    }

    @Test("excludingSeen: false can return the user's training items")
    func includingSeen() throws {
        let recommender = try Self.recommender()
        let all = try recommender.recommend(user: "carol", count: RecommendFixture.itemCount, excludingSeen: false)
        #expect(all.items.count == RecommendFixture.itemCount)
        let seen = try recommender.recommend(user: "carol", count: RecommendFixture.itemCount)
        #expect(seen.items.count == RecommendFixture.itemCount - Self.rows[2].count)
    }

    @Test("unknown users and models without training users are error cases")
    func errors() throws {
        #expect(throws: RecommenderError.unknownUser("dave")) {
            try Self.recommender().recommend(user: "dave", count: 5)
        }
        let bare = RecommendFixture.recommender()
        #expect(!bare.knowsTrainingUsers)
        #expect(throws: RecommenderError.noTrainingUsers(model: "")) { try bare.recommend(user: "alice", count: 5) }
        #expect(throws: RecommenderError.noTrainingUsers(model: "")) { try bare.query(forUser: "alice", count: 5) }
    }

    @Test("training users refuse duplicate ids and a count mismatch")
    func invalidTrainingUsers() throws {
        let rows = CSRMatrix(columnCount: 3, rows: [[0], [1]])
        #expect(throws: TrainingUsersError.duplicateUserID("a")) { try TrainingUsers(userIDs: ["a", "a"], rows: rows) }
        #expect(throws: TrainingUsersError.countMismatch(userIDs: 1, rows: 2)) {
            try TrainingUsers(userIDs: ["a"], rows: rows)
        }
    }
}
