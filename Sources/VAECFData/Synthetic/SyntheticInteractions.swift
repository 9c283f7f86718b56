import Foundation
import VAECFCore

/// Deterministic synthetic user-item interactions with latent topical structure.
///
/// The generative story (see ``SyntheticSettings`` for every knob):
/// 1. Items: a primary topic each (every topic gets at least one item), with probability
///    `secondTopicProbability` a second one, and a popularity `rank^-popularityExponent` from a random
///    ranking (a power law).
/// 2. Users: a log-normal activity level, scaled so that the interaction counts (clamped to the per-user
///    minimum and maximum) add up to about `interactions`; one to `maximumTopicsPerUser` distinct topics with
///    Dirichlet(1) weights, and more for very active users, whose topical interactions would otherwise fill
///    more than half of their topics' items.
/// 3. Interactions: with probability `topicalProbability`, pick one of the user's topics by weight and an item
///    of that topic by popularity; otherwise pick an item by global popularity. Repeats are redrawn, so a
///    user never has the same item twice.
///
/// All randomness comes from `RandomSource`: items from stream 0 of the seed, user `u` from stream `u + 1`.
/// The result therefore does not depend on the number of threads.
package enum SyntheticInteractions {
    /// Generates the interactions of `settings` with both cores.
    ///
    /// - Parameters:
    ///   - settings: Valid settings (see ``SyntheticSettings/validate()``; invalid ones stop the program).
    ///   - threadCount: Workers; the result is the same for every value.
    /// - Returns: One row per interaction, grouped by user (users in id order, items in draw order). User ids
    ///   are `u1 ... uN`; item ids are `i<k>` (`k` in `1 ... items`) of the items that received at least one
    ///   interaction, in order of first appearance, so that reading the ``writeCSV(_:to:)`` file gives back an
    ///   equal table. `rowsRead` is the number of rows.
    package static func generate(
        _ settings: SyntheticSettings, threadCount: Int = ParallelExecutor.defaultThreadCount
    ) -> InteractionTable {
        do { try settings.validate() } catch { preconditionFailure("\(error)") }
        let catalogue = SyntheticCatalogue(settings: settings)
        let profiles = SyntheticUserProfiles(settings: settings, catalogue: catalogue)
        let counts = profiles.interactionCounts
        var offsets = [Int](repeating: 0, count: settings.users + 1)
        for user in 0..<settings.users { offsets[user + 1] = offsets[user] + counts[user] }
        let total = offsets[settings.users]

        let executor = ParallelExecutor(threadCount: threadCount)
        let drawnItems = [Int32](unsafeUninitializedCapacity: total) { buffer, initialized in
            let output = UncheckedSendable(buffer)
            executor.forEachChunk(count: settings.users, minimumChunk: 64) { _, users in
                var seen = [Bool](repeating: false, count: settings.items)
                seen.withUnsafeMutableBufferPointer { seen in
                    for user in users {
                        let rows = UnsafeMutableBufferPointer(rebasing: output.value[offsets[user]..<offsets[user + 1]])
                        profiles.drawItems(
                            of: user, into: rows, catalogue: catalogue, settings: settings, seen: seen)
                    }
                }
            }
            initialized = total
        }
        return makeTable(drawnItems: drawnItems, offsets: offsets, settings: settings)
    }

    /// Numbers the items that occur in order of first appearance (as a reader of the CSV file would) and
    /// attaches the ids.
    private static func makeTable(drawnItems: [Int32], offsets: [Int], settings: SyntheticSettings) -> InteractionTable
    {
        var denseIndex = [Int32](repeating: -1, count: settings.items)
        var itemIDs = [String]()
        var items = [Int32]()
        items.reserveCapacity(drawnItems.count)
        for item in drawnItems {
            if denseIndex[Int(item)] < 0 {
                denseIndex[Int(item)] = Int32(itemIDs.count)
                itemIDs.append("i\(item + 1)")
            }
            items.append(denseIndex[Int(item)])
        }
        var users = [Int32]()
        users.reserveCapacity(drawnItems.count)
        for user in 0..<settings.users {
            users.append(contentsOf: repeatElement(Int32(user), count: offsets[user + 1] - offsets[user]))
        }
        let userIDs = (0..<settings.users).map { "u\($0 + 1)" }
        return InteractionTable(userIDs: userIDs, itemIDs: itemIDs, users: users, items: items, rowsRead: items.count)
    }
}

/// The item side of the generative model: topics, popularity and the samplers over them.
///
/// The per-topic alias tables are stored flat, aligned with `topicMembers`, so that drawing touches no
/// reference-counted storage besides these arrays.
struct SyntheticCatalogue: Sendable {
    /// Items of every topic, concatenated; topic `t` owns `topicMembers[topicStarts[t] ..< topicStarts[t + 1]]`.
    let topicMembers: [Int32]
    /// `[topics + 1]` offsets into `topicMembers`.
    let topicStarts: [Int]
    /// Alias-table keep probabilities of every topic's members by popularity; aligned with `topicMembers`.
    let topicKeepProbabilities: [Double]
    /// Alias-table aliases (positions within the topic); aligned with `topicMembers`.
    let topicAliases: [Int32]
    /// Popularity sampler over all items.
    let globalSampler: AliasTable

    init(settings: SyntheticSettings) {
        var random = RandomSource(seed: settings.seed, stream: 0)
        let itemCount = settings.items
        let topicCount = settings.topics
        // Power-law popularity over a random ranking.
        let ranks = random.permutation(count: itemCount)
        let popularity = ranks.map { pow(Double($0 + 1), -settings.popularityExponent) }
        // A primary topic per item, every topic used at least once; sometimes a second topic.
        let coverage = random.permutation(count: itemCount)
        var primary = [Int](repeating: 0, count: itemCount)
        for position in 0..<itemCount {
            primary[coverage[position]] = position < topicCount ? position : random.nextInt(below: topicCount)
        }
        var membersOfTopic = [[Int32]](repeating: [], count: topicCount)
        for item in 0..<itemCount {
            membersOfTopic[primary[item]].append(Int32(item))
            if topicCount > 1, random.nextDouble() < settings.secondTopicProbability {
                let other = (primary[item] + 1 + random.nextInt(below: topicCount - 1)) % topicCount
                membersOfTopic[other].append(Int32(item))
            }
        }
        var starts = [0]
        var members = [Int32]()
        var keep = [Double]()
        var aliases = [Int32]()
        for topicItems in membersOfTopic {
            let table = AliasTable(weights: topicItems.map { popularity[Int($0)] })
            members.append(contentsOf: topicItems)
            keep.append(contentsOf: table.keepProbabilities)
            aliases.append(contentsOf: table.aliases)
            starts.append(members.count)
        }
        topicMembers = members
        topicStarts = starts
        topicKeepProbabilities = keep
        topicAliases = aliases
        globalSampler = AliasTable(weights: popularity)
    }

    /// Draws an item of `topic` by popularity.
    @inline(__always) func drawItem(inTopic topic: Int, using random: inout RandomSource) -> Int32 {
        let start = topicStarts[topic]
        let position = random.nextInt(below: topicStarts[topic + 1] - start)
        let chosen =
            random.nextDouble() < topicKeepProbabilities[start + position]
            ? position : Int(topicAliases[start + position])
        return topicMembers[start + chosen]
    }

    /// Draws an item by global popularity.
    @inline(__always) func drawItem(using random: inout RandomSource) -> Int32 {
        Int32(globalSampler.sample(using: &random))
    }
}
