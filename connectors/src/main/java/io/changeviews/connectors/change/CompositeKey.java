package io.changeviews.connectors.change;

/** Joins the parts of a composite key into one string that no other list of parts produces. */
public final class CompositeKey {
    private CompositeKey() {}

    /**
     * Each part is prefixed with its length, so separators inside a part cannot make two keys
     * collide.
     */
    public static String of(Iterable<String> parts) {
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            sb.append(part.length()).append(':').append(part);
        }
        return sb.toString();
    }
}
