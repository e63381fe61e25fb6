package dev.kiln.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text a publish (or merge) prints: one row per target, then the errors of the targets that failed. */
final class PublishSummary {

    private PublishSummary() {
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> doc) {
        List<Map<String, Object>> targets = (List<Map<String, Object>>) doc.get("targets");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TARGET", "OUTCOME", "IMAGE", "TIME"});
        for (Map<String, Object> t : targets) {
            Object id = t.get("artifact_id");
            Object seconds = t.get("seconds");
            rows.add(new String[] {String.valueOf(t.get("target")), String.valueOf(t.get("outcome")),
                    id == null || id.toString().isEmpty() ? "-" : id.toString(),
                    seconds instanceof Number n ? String.format(Locale.ROOT, "%.1fs", n.doubleValue()) : "-"});
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            text.append(String.format(Locale.ROOT, "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s",
                    (Object[]) row).stripTrailing()).append(System.lineSeparator());
        }
        for (Map<String, Object> t : targets) {
            if (t.get("error") instanceof Map<?, ?> error) {
                text.append(t.get("target")).append(": ").append(error.get("message")).append(System.lineSeparator());
            }
        }
        Map<String, Object> summary = (Map<String, Object>) doc.get("summary");
        List<String> counts = new ArrayList<>();
        summary.forEach((outcome, n) -> {
            if (n instanceof Number c && c.intValue() > 0) {
                counts.add(c + " " + outcome.replace('_', ' '));
            }
        });
        return text.append(String.join(", ", counts)).append(System.lineSeparator()).toString();
    }
}
