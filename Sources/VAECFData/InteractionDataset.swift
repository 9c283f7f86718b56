import VAECFCore

/// A prepared dataset: the paper's train / validation / test splits as binary CSR matrices over one
/// dense item index, with the maps back to the original ids and the settings that produced it.
///
/// Shapes: `train` is `[trainUserIDs.count, itemIDs.count]`; `validationFoldIn` and `validationHeldOut`
/// are both `[validationUserIDs.count, itemIDs.count]` (the `_tr` and `_te` parts); likewise for test.
package struct InteractionDataset: Sendable, Equatable {
    /// Original id of every item; index = dense item index (= `sid` of the pro_sg layout).
    package var itemIDs: [String]
    /// Original ids of the training users, one per row of `train`.
    package var trainUserIDs: [String]
    /// Original ids of the validation users, one per row of the validation matrices.
    package var validationUserIDs: [String]
    /// Original ids of the test users, one per row of the test matrices.
    package var testUserIDs: [String]
    /// Training interactions.
    package var train: CSRMatrix
    /// Validation fold-in part (`validation_tr`): the model sees these items.
    package var validationFoldIn: CSRMatrix
    /// Validation held-out part (`validation_te`): the items to be ranked.
    package var validationHeldOut: CSRMatrix
    /// Test fold-in part (`test_tr`).
    package var testFoldIn: CSRMatrix
    /// Test held-out part (`test_te`).
    package var testHeldOut: CSRMatrix
    /// How the dataset was produced (source, thresholds, seed, ...), as key-value pairs.
    package var settings: [String: String]

    package init(
        itemIDs: [String], trainUserIDs: [String], validationUserIDs: [String], testUserIDs: [String],
        train: CSRMatrix, validationFoldIn: CSRMatrix, validationHeldOut: CSRMatrix,
        testFoldIn: CSRMatrix, testHeldOut: CSRMatrix, settings: [String: String]
    ) {
        self.itemIDs = itemIDs
        self.trainUserIDs = trainUserIDs
        self.validationUserIDs = validationUserIDs
        self.testUserIDs = testUserIDs
        self.train = train
        self.validationFoldIn = validationFoldIn
        self.validationHeldOut = validationHeldOut
        self.testFoldIn = testFoldIn
        self.testHeldOut = testHeldOut
        self.settings = settings
    }

    /// Number of items (columns of every matrix).
    package var itemCount: Int { itemIDs.count }
}
