package io.ailurus.bench;

/** A mode's measured run and a note on what it left on disk (files, segments) before cleanup. */
record ModeResult(Mode mode, RunStats stats, String written) {
}
