//! The microsite in this repository.
