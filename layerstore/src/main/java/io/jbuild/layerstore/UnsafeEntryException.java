package io.jbuild.layerstore;

/** A tar entry would be written outside the extraction root, or is otherwise hostile. */
public final class UnsafeEntryException extends StoreException {
    private final String entry;

    public UnsafeEntryException(String entry, String cause) {
        super("extract entry \"" + entry + "\": " + cause);
        this.entry = entry;
    }

    public String entry() {
        return entry;
    }
}
