//! Property: any estate the generator makes, written out in every export shape, loads back to
//! the same store: the same records per table and the same text in every schema column.

use proptest::prelude::*;
use vmi_core::ingest;
use vmi_core::model::TableKind;
use vmi_core::store::Store;
use vmi_fixtures::{EstateSpec, Shape, Table, generate, write_to_bytes};

/// Every schema value of every row, as text, per table.
fn contents(store: &Store) -> Vec<Vec<Vec<String>>> {
    TableKind::ALL
        .iter()
        .map(|&kind| {
            let rows = store.record_counts()[kind.index()];
            (0..rows)
                .map(|row| (0..kind.columns().len()).map(|c| store.text(kind, c, row).to_string()).collect())
                .collect()
        })
        .collect()
}

fn load_shape(estate: &vmi_fixtures::Estate, shape: Shape) -> Store {
    let mut store = Store::default();
    for table in Table::ALL {
        let bytes = write_to_bytes(estate, shape, table);
        let name = shape.file_name(Some(table));
        let loaded = ingest::load_bytes(&name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings.kept.first());
        store.merge(loaded.batch);
    }
    store
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn every_export_shape_loads_back_to_the_same_store(machines in 5usize..9, hours in 1u32..3, seed in any::<u64>()) {
        let estate = generate(EstateSpec { machines, hours, seed, density: 0.05, ..EstateSpec::default() });
        let reference = load_shape(&estate, Shape::PortalCsv);
        prop_assert!(reference.record_counts()[TableKind::VMConnection.index()] > 0);
        let expected = contents(&reference);
        for shape in [Shape::RestJson, Shape::AzJson, Shape::JsonLines, Shape::JsonArray] {
            let store = load_shape(&estate, shape);
            prop_assert_eq!(store.record_counts(), reference.record_counts(), "{:?}", shape);
            let got = contents(&store);
            for (k, kind) in TableKind::ALL.iter().enumerate() {
                for (row, (a, b)) in got[k].iter().zip(&expected[k]).enumerate() {
                    prop_assert_eq!(a, b, "{:?} {:?} row {}", shape, kind, row);
                }
            }
        }
    }
}
