/// Copies blocks of `op(A)` and `op(B)` into the contiguous, zero-padded panel layouts that
/// `GEMMMicroKernel` reads. Transposition is handled here through the element strides, so the kernel sees
/// the same layout for all four transpose combinations.
enum GEMMPacking {
    /// Where element `(row, p)` of `op(A)` lives: `base[row * rowStride + p * depthStride]`.
    struct MatrixA {
        let base: UnsafePointer<Float>
        let rowStride: Int
        let depthStride: Int

        init(_ base: UnsafePointer<Float>, leadingDimension: Int, transposed: Bool) {
            self.base = base
            rowStride = transposed ? 1 : leadingDimension
            depthStride = transposed ? leadingDimension : 1
        }
    }

    /// Where element `(p, column)` of `op(B)` lives: `base[p * depthStride + column * columnStride]`.
    struct MatrixB {
        let base: UnsafePointer<Float>
        let depthStride: Int
        let columnStride: Int

        init(_ base: UnsafePointer<Float>, leadingDimension: Int, transposed: Bool) {
            self.base = base
            depthStride = transposed ? 1 : leadingDimension
            columnStride = transposed ? leadingDimension : 1
        }
    }

    /// Bytes that `packA` writes for `rowCount` rows and `depth` steps.
    static func packedABytes(rowCount: Int, depth: Int) -> Int {
        let panels = (rowCount + GEMMMicroKernel.rows - 1) / GEMMMicroKernel.rows
        return panels * depth * GEMMMicroKernel.aStepBytes
    }

    /// Bytes that `packB` writes for `columnCount` columns and `depth` steps.
    static func packedBBytes(columnCount: Int, depth: Int) -> Int {
        let panels = (columnCount + GEMMMicroKernel.columns - 1) / GEMMMicroKernel.columns
        return panels * depth * GEMMMicroKernel.bStepBytes
    }

    /// Packs rows `rowStart ..< rowStart + rowCount`, depth `depthStart ..< depthStart + depth` of `op(A)` into
    /// panels of `GEMMMicroKernel.rows` rows, each value broadcast four times; missing rows are zero.
    static func packA(
        _ matrix: MatrixA, rowStart: Int, rowCount: Int, depthStart: Int, depth: Int,
        into destination: UnsafeMutableRawPointer
    ) {
        let panelRows = GEMMMicroKernel.rows
        let stepBytes = GEMMMicroKernel.aStepBytes
        let vectorBytes = MemoryLayout<SIMD4<Float>>.stride
        var panel = destination
        for panelStart in stride(from: 0, to: rowCount, by: panelRows) {
            let rows = min(panelRows, rowCount - panelStart)
            for row in 0..<panelRows {
                let target = panel + row * vectorBytes
                if row < rows {
                    let source =
                        matrix.base + (rowStart + panelStart + row) * matrix.rowStride + depthStart * matrix.depthStride
                    let stride = matrix.depthStride
                    for p in 0..<depth {
                        target.storeBytes(
                            of: SIMD4(repeating: source[p * stride]), toByteOffset: p * stepBytes,
                            as: SIMD4<Float>.self)
                    }
                } else {
                    for p in 0..<depth {
                        target.storeBytes(of: SIMD4<Float>(), toByteOffset: p * stepBytes, as: SIMD4<Float>.self)
                    }
                }
            }
            panel += depth * stepBytes
        }
    }

    /// Packs columns `columnStart ..< columnStart + columnCount`, depth `depthStart ..< depthStart + depth` of
    /// `op(B)` into panels of `GEMMMicroKernel.columns` columns; missing columns are zero.
    static func packB(
        _ matrix: MatrixB, columnStart: Int, columnCount: Int, depthStart: Int, depth: Int,
        into destination: UnsafeMutableRawPointer
    ) {
        let panelColumns = GEMMMicroKernel.columns
        let output = destination.assumingMemoryBound(to: Float.self)
        var panel = output
        for panelStart in stride(from: 0, to: columnCount, by: panelColumns) {
            let columns = min(panelColumns, columnCount - panelStart)
            let source =
                matrix.base + depthStart * matrix.depthStride + (columnStart + panelStart) * matrix.columnStride
            if columns == panelColumns && matrix.columnStride == 1 {
                // Row-major op(B): each depth step is 8 consecutive floats.
                for p in 0..<depth {
                    let values = UnsafeRawPointer(source + p * matrix.depthStride).loadUnaligned(
                        as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(panel + p * panelColumns).storeBytes(of: values, as: SIMD8<Float>.self)
                }
            } else {
                for column in 0..<panelColumns {
                    if column < columns {
                        let columnSource = source + column * matrix.columnStride
                        for p in 0..<depth {
                            panel[p * panelColumns + column] = columnSource[p * matrix.depthStride]
                        }
                    } else {
                        for p in 0..<depth { panel[p * panelColumns + column] = 0 }
                    }
                }
            }
            panel += depth * panelColumns
        }
    }
}
