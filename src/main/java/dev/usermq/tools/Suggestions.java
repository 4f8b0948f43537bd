package dev.usermq.tools;

import java.util.Collection;
import java.util.Comparator;

/** Names close to a misspelt one, to put in a message. */
final class Suggestions {

  private Suggestions() {}

  /** " (did you mean x?)" for the closest candidate a typo away (or a prefix of), or nothing. */
  static String didYouMean(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(word.toLowerCase(), candidate.toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int allowed = Math.max(2, word.length() / 4);
    if (best == null || bestDistance > allowed) {
      // a shortened name: msgIdempotencyRepo for msgIdempotencyRepository
      best =
          word.length() < 4
              ? null
              : candidates.stream()
                  .filter(c -> c.toLowerCase().startsWith(word.toLowerCase()))
                  .min(Comparator.comparingInt(String::length))
                  .orElse(null);
    }
    return best == null ? "" : " (did you mean " + best + "?)";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
