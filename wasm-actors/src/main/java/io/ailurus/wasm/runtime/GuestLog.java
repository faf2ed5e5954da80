package io.ailurus.wasm.runtime;

/** Where the guest's stdout and stderr lines go (the transform's logs). Called on the guest's thread. */
@FunctionalInterface
public interface GuestLog {

    void line(boolean stderr, String text);

    GuestLog DISCARD = (stderr, text) -> { };
}
