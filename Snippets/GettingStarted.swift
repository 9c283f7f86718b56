// Fit a recommender on interactions, recommend for a known and a new user, find similar items, evaluate on
// held-out users and save the model (the getting-started article of the DocC catalog shows this file).
import Foundation
import VAECF

var interactions = Interactions()
interactions.append(user: "alice", item: "item1")
interactions.append(user: "alice", item: "item2")
// ... or: let interactions = try Interactions.read(contentsOf: URL(fileURLWithPath: "ratings.csv"))
// ... or from a CSR matrix: try Interactions(userIDs:itemIDs:rowOffsets:itemIndices:weights:)

var options = FitOptions(model: .multvae, seed: 1)  // the paper's settings
options.training.epochs = 20
options.validationUsers = 0  // or some held-out users to pick the best epoch
let model = try await CollaborativeFilter.fit(interactions, options: options) { progress in
    print("epoch \(progress.epoch + 1)/\(progress.epochs): loss \(progress.loss.total)")
}

let forAlice = try model.recommend(user: "alice", count: 10)  // her items left out
let forNewUser = model.recommend(items: ["item1", "item2"], count: 10)
let forMany = try model.recommend(users: ["alice"], count: 10)  // one forward pass for many users
let similar = try model.similarItems(to: "item1", count: 10)

let heldOutInteractions = Interactions([("bob", "item1"), ("bob", "item2")])
let metrics = model.evaluate(heldOutInteractions)  // NDCG@100, Recall@20, Recall@50
try model.save(to: URL(fileURLWithPath: "model.vaecf-model"))  // `vaecf serve --model` serves it
print(forAlice, forNewUser, forMany, similar, metrics)
