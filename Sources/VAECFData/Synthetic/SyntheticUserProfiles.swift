import Foundation
import VAECFCore

/// The user side of the generative model: activity levels and interaction counts, preferred topics with
/// weights, and each user's random stream (stream `u + 1` of the seed), positioned after the profile draws.
struct SyntheticUserProfiles: Sendable {
    /// Interactions of every user; `[users]`.
    let interactionCounts: [Int]
    /// `[users + 1]` offsets: user `u`'s preferred topics are `topics[topicOffsets[u] ..< topicOffsets[u + 1]]`.
    let topicOffsets: [Int]
    /// Preferred topics of all users, concatenated.
    let topics: [Int32]
    /// Cumulative topic weights, aligned with `topics`; the last one of each user is 1.
    let cumulativeWeights: [Double]
    /// Random stream of every user after the profile draws; `[users]`.
    let generators: [RandomSource]

    /// Share of a user's preferred topics (by size) that its topical interactions may fill; more active users
    /// get more topics so that they do not exhaust them.
    static let topicCapacityShare = 0.5

    init(settings: SyntheticSettings, catalogue: SyntheticCatalogue) {
        let userCount = settings.users
        var generators = [RandomSource]()
        generators.reserveCapacity(userCount)
        var activities = [Double](repeating: 0, count: userCount)
        for user in 0..<userCount {
            var random = RandomSource(seed: settings.seed, stream: UInt64(user) + 1)
            activities[user] = exp(settings.activitySpread * random.nextGaussian())
            generators.append(random)
        }
        let counts = Self.interactionCounts(activities: activities, settings: settings)

        let meanTopicSize = Double(catalogue.topicMembers.count) / Double(settings.topics)
        var offsets = [0]
        offsets.reserveCapacity(userCount + 1)
        var topics = [Int32]()
        var cumulative = [Double]()
        for user in 0..<userCount {
            let needed = Int(
                (settings.topicalProbability * Double(counts[user]) / (Self.topicCapacityShare * meanTopicSize))
                    .rounded(.up))
            let drawn = 1 + generators[user].nextInt(below: min(settings.maximumTopicsPerUser, settings.topics))
            let count = min(settings.topics, max(drawn, needed))
            // Distinct topics; Dirichlet(1) weights are normalized exponential draws.
            let first = topics.count
            while topics.count < first + count {
                let topic = Int32(generators[user].nextInt(below: settings.topics))
                if !topics[first...].contains(topic) { topics.append(topic) }
            }
            var total = 0.0
            for _ in 0..<count {
                total += -log(1 - generators[user].nextDouble())
                cumulative.append(total)
            }
            for slot in first..<(first + count) { cumulative[slot] /= total }
            cumulative[first + count - 1] = 1
            offsets.append(topics.count)
        }
        self.interactionCounts = counts
        self.topicOffsets = offsets
        self.topics = topics
        self.cumulativeWeights = cumulative
        self.generators = generators
    }

    /// Interactions per user: `clamp(round(scale * activity), minimum, maximum)`, with `scale` chosen so the
    /// total comes close to `settings.interactions`; `[users]`.
    static func interactionCounts(activities: [Double], settings: SyntheticSettings) -> [Int] {
        let minimum = settings.minimumInteractionsPerUser
        let maximum = settings.maximumInteractionsPerUser
        // Clamped as doubles: an unreachable target can push the scale towards infinity.
        func counts(scale: Double) -> [Int] {
            activities.map { Int(min(Double(maximum), max(Double(minimum), (scale * $0).rounded()))) }
        }
        let target = Double(settings.interactions)
        var scale = target / max(activities.reduce(0, +), .leastNormalMagnitude)
        // The total is monotone in the scale; a few multiplicative corrections settle it.
        for _ in 0..<30 {
            let total = Double(counts(scale: scale).reduce(0, +))
            let correction = target / total
            if abs(correction - 1) < 1e-4 || correction.isNaN { break }
            scale *= correction
            if scale.isInfinite || scale == 0 { break }
        }
        return counts(scale: scale)
    }

    /// Fills `rows` (the user's `count` slots of the output) with distinct items drawn from the model.
    /// `seen` is an all-false scratch flag per item; it is all false again on return.
    func drawItems(
        of user: Int, into rows: UnsafeMutableBufferPointer<Int32>, catalogue: SyntheticCatalogue,
        settings: SyntheticSettings, seen: UnsafeMutableBufferPointer<Bool>
    ) {
        var random = generators[user]
        let first = topicOffsets[user]
        let last = topicOffsets[user + 1] - 1
        /// Redraws before giving up on the model and taking the next unseen item in catalogue order.
        let attemptLimit = 64
        for row in 0..<rows.count {
            var item: Int32 = -1
            for _ in 0..<attemptLimit {
                let candidate: Int32
                if random.nextDouble() < settings.topicalProbability {
                    // The first topic whose cumulative weight exceeds a uniform draw (binary search).
                    let pick = random.nextDouble()
                    var low = first
                    var high = last
                    while low < high {
                        let middle = (low + high) / 2
                        if pick < cumulativeWeights[middle] { high = middle } else { low = middle + 1 }
                    }
                    candidate = catalogue.drawItem(inTopic: Int(topics[low]), using: &random)
                } else {
                    candidate = catalogue.drawItem(using: &random)
                }
                if !seen[Int(candidate)] {
                    item = candidate
                    break
                }
            }
            if item < 0 {
                // Rare: a very active user has exhausted the likely items. Any unseen item will do; one
                // exists because no user has more interactions than there are items.
                var candidate = random.nextInt(below: seen.count)
                while seen[candidate] { candidate = (candidate + 1) % seen.count }
                item = Int32(candidate)
            }
            seen[Int(item)] = true
            rows[row] = item
        }
        for row in 0..<rows.count { seen[Int(rows[row])] = false }
    }
}
