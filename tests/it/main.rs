//! Integration tests: each builds a small fixture site with the real binary
//! into a temporary folder and inspects what a reader or a user would see.

mod build;
mod check;
mod errors;
mod fixture;
mod hardening;
mod init;
mod microsite;
mod serve;
mod story;
