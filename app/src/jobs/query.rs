//! Queries run on their own thread, so a long one never stops the window; the answer comes
//! back as [`QueryAction::Finished`]. A cancelled or replaced query's late answer carries an
//! old id and is ignored by `update`.

use crate::state::{Action, QueryAction};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vmi_core::kql::ast::Span;
use vmi_core::kql::{QueryError, QueryOptions};
use vmi_core::store::Store;

pub fn spawn(
    id: u64,
    store: Arc<Store>,
    text: String,
    options: QueryOptions,
    mailbox: Arc<Mutex<Vec<Action>>>,
    wake: impl Fn() + Send + 'static,
) -> Option<Action> {
    let spawned = std::thread::Builder::new().name(format!("vmi-query-{id}")).spawn(move || {
        let started = Instant::now();
        let result = vmi_core::kql::run(&store, &text, &options);
        // Free the records this query held before the app may change them.
        drop(store);
        let finished = QueryAction::Finished { id, result, elapsed: started.elapsed() };
        if let Ok(mut mailbox) = mailbox.lock() {
            mailbox.push(finished.into());
        }
        wake();
    });
    match spawned {
        Ok(_) => None,
        Err(error) => Some(
            QueryAction::Finished {
                id,
                result: Err(QueryError::runtime(Span::default(), format!("cannot start the query thread: {error}"))),
                elapsed: std::time::Duration::ZERO,
            }
            .into(),
        ),
    }
}
