package dev.kiln.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * EC2's {@code Filter.N.Name} / {@code Filter.N.Value.M} query parameters, matched as EC2 documents them: every
 * filter must hold (AND), and a filter holds when the resource has any of its values (OR). {@code tag:KEY} looks
 * at the tag's value, {@code tag-key} at the keys; other names go to {@code field}.
 */
final class Ec2Filters {

    private Ec2Filters() {
    }

    /** The filters of a request: name to values, in order. */
    static Map<String, List<String>> of(Map<String, String> form) {
        Map<String, List<String>> filters = new java.util.LinkedHashMap<>();
        for (int n = 1; form.containsKey("Filter." + n + ".Name"); n++) {
            List<String> values = new ArrayList<>();
            for (int v = 1; form.containsKey("Filter." + n + ".Value." + v); v++) {
                values.add(form.get("Filter." + n + ".Value." + v));
            }
            filters.put(form.get("Filter." + n + ".Name"), values);
        }
        return filters;
    }

    /** True when a resource with these tags, and these values of other fields, passes every filter. */
    static boolean match(Map<String, String> form, Map<String, String> tags, Function<String, List<String>> field) {
        for (Map.Entry<String, List<String>> f : of(form).entrySet()) {
            String name = f.getKey();
            List<String> has = name.equals("tag-key") ? List.copyOf(tags.keySet())
                    : name.startsWith("tag:") ? (tags.containsKey(name.substring(4)) ? List.of(tags.get(name.substring(4)))
                    : List.of()) : field.apply(name);
            if (has == null) {
                throw new IllegalArgumentException("the stand-in does not model filter " + name);
            }
            if (has.stream().noneMatch(f.getValue()::contains)) {
                return false;
            }
        }
        return true;
    }

    /** The values of {@code Prefix.1}, {@code Prefix.2} ... ({@code InstanceId.1}). */
    static List<String> list(Map<String, String> form, String prefix) {
        List<String> out = new ArrayList<>();
        for (int n = 1; form.containsKey(prefix + "." + n); n++) {
            out.add(form.get(prefix + "." + n));
        }
        return out;
    }
}
