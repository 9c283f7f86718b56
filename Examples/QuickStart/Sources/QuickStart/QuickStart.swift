import Foundation
import VAECF

/// Fits Mult-VAE on interactions, recommends for a known user and a new one, finds similar items, evaluates on
/// held-out users, saves and loads the model.
///
///     swift run QuickStart                # synthetic interactions made here
///     swift run QuickStart ratings.csv    # any interaction file vaecf reads (user, item[, rating] columns)
@main
struct QuickStart {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let interactions = try arguments.first.map(readInteractions) ?? syntheticInteractions(users: 600)
        print(
            "\(interactions.count) interactions, \(interactions.userIDs.count) users, \(interactions.itemIDs.count) items"
        )

        var options = FitOptions(model: .multvae, seed: 1)
        // Mixed precision where the CPU has AVX512-BF16 (`missingInstructions(for:)` names what a CPU lacks).
        let precision: ComputePrecision =
            ComputePrecision.missingInstructions(for: .bfloat16).isEmpty ? .bfloat16 : .float32
        options.precision = precision
        options.encoderDimensions = [64, 16]
        options.training.epochs = 20
        options.training.batchSizeTrain = 100
        options.training.totalAnnealSteps = 200
        options.validationUsers = min(50, interactions.userIDs.count / 10)
        let model = try await CollaborativeFilter.fit(interactions, options: options) { progress in
            let validation =
                progress.validation.map { String(format: "  validation NDCG@100 %.4f", $0.ndcgAt100) } ?? ""
            print(
                String(format: "epoch %d/%d  loss %.3f", progress.epoch + 1, progress.epochs, progress.loss.total)
                    + validation)
        }

        let user = interactions[0].user
        print("for \(user):", try model.recommend(user: user, count: 5).map(\.id))
        print("for a new user with items 1 and 2:", model.recommend(items: ["item1", "item2"], count: 5).map(\.id))
        print("similar to item1:", try model.similarItems(to: "item1", count: 5).map(\.id))
        print("held-out users:", model.evaluate(syntheticInteractions(users: 100, firstUser: 10_000)))

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quickstart.vaecf-model")
        try model.save(to: url)
        let loaded = try CollaborativeFilter.load(from: url)
        print(
            "saved to \(url.path); loaded again: \(try loaded.recommend(user: user, count: 5) == model.recommend(user: user, count: 5))"
        )
    }

    /// The interactions of the file at `path`; a file vaecf cannot read is a ``DataError`` naming the file, the
    /// line and what was expected there.
    static func readInteractions(_ path: String) throws(DataError) -> Interactions {
        try Interactions.read(contentsOf: URL(fileURLWithPath: path))
    }

    /// Users who each like items of one of six groups of ten (`item0` ... `item59`), plus a little noise.
    static func syntheticInteractions(users: Int, firstUser: Int = 0) -> Interactions {
        var interactions = Interactions()
        var state: UInt64 = 0x9E37_79B9 &+ UInt64(firstUser)
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for user in firstUser..<(firstUser + users) {
            let group = user % 6
            for _ in 0..<8 { interactions.append(user: "user\(user)", item: "item\(group * 10 + next(10))") }
            interactions.append(user: "user\(user)", item: "item\(next(60))")
        }
        return interactions
    }
}
