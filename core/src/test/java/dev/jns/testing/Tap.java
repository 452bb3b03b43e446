package dev.jns.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Test Anything Protocol (version 13) stream, as the OCI runtime-tools validation programs
 * write it (their Go library mndrix/tap-go): {@code ok N - description}, {@code not ok N ...},
 * directives {@code # SKIP why} and {@code # TODO}, a plan {@code 1..N} first or last,
 * {@code # } diagnostics, indented YAML blocks ({@code ---} to {@code ...}) after a point or
 * on their own, and {@code Bail out!}. A program that stops early shows as fewer points than
 * planned, or a YAML block with an {@code "error"} and no point (how runtime-tools reports a
 * failed setup): {@link #complete()} is false then.
 */
public record Tap(List<Point> points, OptionalInt plan, List<String> errors, boolean bailedOut) {
    public enum Status { PASS, FAIL, SKIP, TODO }

    /**
     * One test point; {@code key} names it within its stream: the description, with
     * {@code " #2"}, {@code " #3"}... on repeats, so that two runs can be matched point by
     * point even when one of them stops early or numbers differ.
     */
    public record Point(int number, String description, Status status, String directive, String yaml, String key) {
        public boolean passed() {
            return status == Status.PASS;
        }
    }

    private static final Pattern POINT = Pattern.compile("^(not ok|ok)\\b\\s*(\\d+)?\\s*(?:-\\s*)?(.*)$");
    private static final Pattern DIRECTIVE = Pattern.compile("\\s*#\\s*(SKIP|TODO)\\b\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern PLAN = Pattern.compile("^1\\.\\.(\\d+)\\b.*$");
    private static final Pattern YAML_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    public Tap {
        points = List.copyOf(points);
        errors = List.copyOf(errors);
    }

    public static Tap parse(String text) {
        List<Point> points = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        OptionalInt plan = OptionalInt.empty();
        boolean bailed = false;
        Map<String, Integer> seen = new HashMap<>();
        boolean afterPoint = false; // the last line that counts was a point: a YAML block here is its
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().equals("---") && line.startsWith(" ")) {
                StringBuilder yaml = new StringBuilder();
                for (i++; i < lines.length && !lines[i].strip().equals("..."); i++) yaml.append(lines[i].strip()).append('\n');
                if (afterPoint) {
                    Point p = points.removeLast();
                    points.add(new Point(p.number(), p.description(), p.status(), p.directive(), yaml.toString(), p.key()));
                } else {
                    Matcher e = YAML_ERROR.matcher(yaml);
                    if (e.find()) errors.add(e.group(1).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"));
                }
                afterPoint = false;
                continue;
            }
            Matcher pm = POINT.matcher(line);
            if (pm.matches()) {
                int number = pm.group(2) == null ? points.size() + 1 : Integer.parseInt(pm.group(2));
                String rest = pm.group(3);
                String directive = "";
                Status status = pm.group(1).equals("ok") ? Status.PASS : Status.FAIL;
                Matcher d = DIRECTIVE.matcher(rest);
                if (d.find()) {
                    status = d.group(1).equalsIgnoreCase("SKIP") ? Status.SKIP : Status.TODO;
                    directive = d.group(2).strip();
                    rest = rest.substring(0, d.start());
                }
                String description = rest.strip();
                String name = description.isEmpty() ? (status + " " + directive).strip() : description;
                int n = seen.merge(name, 1, Integer::sum);
                points.add(new Point(number, description, status, directive, "", n == 1 ? name : name + " #" + n));
                afterPoint = true;
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) continue;
            afterPoint = false;
            Matcher plm = PLAN.matcher(line);
            if (plm.matches()) {
                plan = OptionalInt.of(Integer.parseInt(plm.group(1)));
            } else if (line.startsWith("Bail out!")) {
                bailed = true;
                errors.add(line.substring("Bail out!".length()).strip());
            }
        }
        return new Tap(points, plan, errors, bailed);
    }

    /** All planned points are here, nothing bailed out or failed outside a point. */
    public boolean complete() {
        return plan.isPresent() && plan.getAsInt() == points.size() && errors.isEmpty() && !bailedOut;
    }

    public long count(Status status) {
        return points.stream().filter(p -> p.status() == status).count();
    }

    /** The points by key, in order. */
    public Map<String, Point> byKey() {
        Map<String, Point> out = new LinkedHashMap<>();
        for (Point p : points) out.put(p.key(), p);
        return out;
    }
}
