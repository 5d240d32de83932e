//! The integration tests, one module per area, in one test binary: linking
//! the app and its dependencies once instead of once per file saves minutes
//! of every `make test`. Each test runs on SQLite, and on Postgres when run
//! with `--include-ignored` (see `on_each_backend!`).

#[macro_use]
mod common;

mod accounts;
mod admin;
mod albums;
mod binary;
mod foundation;
mod images;
mod import;
mod organise;
mod paging;
mod sessions;
mod settings;
mod shares;
mod storage;
mod team;
mod two_factor;
