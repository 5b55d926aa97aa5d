package dev.shears.reasoning.voting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/** Union-find grouping of the answered paths by answer equivalence, and the PC score of a group. */
final class AnswerGroups {

    private AnswerGroups() {}

    /** Groups of path indices (ascending), ordered by their first path; paths without an answer are left out. */
    static List<List<Integer>> group(List<ReasoningPath> paths, BiPredicate<String, String> equivalent) {
        int n = paths.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int i = 0; i < n; i++) {
            String a = paths.get(i).answer();
            if (a == null) continue;
            for (int j = 0; j < i; j++) {
                String b = paths.get(j).answer();
                if (b == null || find(parent, i) == find(parent, j)) continue;
                if (a.equals(b) || equivalent.test(b, a)) union(parent, i, j);
            }
        }
        Map<Integer, List<Integer>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            if (paths.get(i).answer() != null) byRoot.computeIfAbsent(find(parent, i), r -> new ArrayList<>()).add(i);
        }
        return List.copyOf(byRoot.values());
    }

    /** Σ p over the distinct completion texts of the group's paths not in {@code pruned}; a repeated text counts once, at its first path's p. */
    static double pcScore(List<ReasoningPath> paths, List<Integer> group, boolean[] pruned) {
        Map<String, Double> byText = new LinkedHashMap<>();
        for (int i : group) {
            if (!pruned[i]) byText.putIfAbsent(paths.get(i).text(), paths.get(i).probability());
        }
        double sum = 0;
        for (double p : byText.values()) sum += p;
        return sum;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int i, int j) {
        int a = find(parent, i), b = find(parent, j);
        if (a != b) parent[Math.max(a, b)] = Math.min(a, b);
    }
}
