package io.changeviews.job.sentiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded engine for runs without AWS: scores English text with the VADER valence lexicon (MIT
 * licensed, read from the vader-sentiment-analyzer jar) and a few rules in the spirit of VADER —
 * negation, boosters and dampeners, "but" shifting weight to what follows, capitals and exclamation
 * marks as emphasis. Deterministic and in-process, so it completes at once.
 */
public final class LexiconSentimentEngine implements SentimentEngine {
    public static final String NAME = "embedded-vader";
    static final String LEXICON = "vader_sentiment_lexicon.txt";

    private static final Set<String> NEGATIONS =
            Set.of(
                    "not",
                    "no",
                    "never",
                    "none",
                    "nobody",
                    "nothing",
                    "neither",
                    "nor",
                    "nowhere",
                    "cannot",
                    "without",
                    "hardly",
                    "isnt",
                    "wasnt",
                    "dont",
                    "doesnt",
                    "didnt",
                    "cant",
                    "wont",
                    "arent",
                    "werent",
                    "havent",
                    "hasnt",
                    "hadnt",
                    "shouldnt",
                    "wouldnt",
                    "couldnt",
                    "aint",
                    "neednt",
                    "mustnt");
    private static final Map<String, Double> INTENSIFIERS =
            Map.ofEntries(
                    Map.entry("very", 0.293),
                    Map.entry("really", 0.293),
                    Map.entry("extremely", 0.293),
                    Map.entry("absolutely", 0.293),
                    Map.entry("incredibly", 0.293),
                    Map.entry("totally", 0.293),
                    Map.entry("so", 0.293),
                    Map.entry("truly", 0.293),
                    Map.entry("completely", 0.293),
                    Map.entry("highly", 0.293),
                    Map.entry("super", 0.293),
                    Map.entry("most", 0.293),
                    Map.entry("slightly", -0.293),
                    Map.entry("somewhat", -0.293),
                    Map.entry("barely", -0.293),
                    Map.entry("marginally", -0.293),
                    Map.entry("partly", -0.293),
                    Map.entry("occasionally", -0.293));

    /** Where VADER's compound score saturates: compound = s / sqrt(s² + ALPHA). */
    private static final double ALPHA = 15;

    private static final double NEGATION_FACTOR = -0.74;
    private static final double CAPS_BOOST = 0.733;
    private static final double EXCLAMATION_BOOST = 0.292;

    private static volatile Map<String, Double> sharedLexicon;

    private final Map<String, Double> lexicon;

    public LexiconSentimentEngine() {
        this.lexicon = lexicon();
    }

    /** A factory for the scoring operator (the lexicon is loaded once per JVM). */
    public static Factory factory() {
        return (parallelism, metrics) -> new LexiconSentimentEngine();
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Scores English only: other languages are UNKNOWN, as with a language Comprehend does not
     * support.
     */
    @Override
    public CompletableFuture<List<SentimentScore>> score(String language, List<String> texts) {
        List<SentimentScore> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(
                    language.equals("en")
                            ? score(text)
                            : SentimentScore.unknown(
                                    NAME,
                                    "the embedded engine scores English only, not '"
                                            + language
                                            + "'"));
        }
        return CompletableFuture.completedFuture(out);
    }

    /** One English text's score. */
    public SentimentScore score(String text) {
        List<String> raw = new ArrayList<>();
        for (String t : text.split("\\s+")) {
            if (!t.isEmpty()) {
                raw.add(t);
            }
        }
        boolean mixedCase =
                !text.equals(text.toUpperCase(Locale.ROOT))
                        && !text.equals(text.toLowerCase(Locale.ROOT));
        List<String> words = new ArrayList<>(raw.size());
        raw.forEach(t -> words.add(normalize(t)));
        int but = words.indexOf("but");

        double[] valence = new double[words.size()];
        int neutralWords = 0;
        for (int i = 0; i < words.size(); i++) {
            Double v = lexicon.get(words.get(i));
            if (v == null) {
                v =
                        lexicon.get(
                                raw.get(i)
                                        .toLowerCase(
                                                Locale.ROOT)); // emoticons such as :) keep their
                // punctuation
            }
            if (INTENSIFIERS.containsKey(words.get(i))) {
                continue; // carried by the word it modifies, not a neutral word of its own
            }
            if (v == null) {
                neutralWords++;
                continue;
            }
            if (mixedCase && isShouted(raw.get(i))) {
                v += Math.signum(v) * CAPS_BOOST;
            }
            for (int back = 1; back <= 3 && i - back >= 0; back++) {
                Double boost = INTENSIFIERS.get(words.get(i - back));
                if (boost != null) {
                    v += Math.signum(v) * boost * (back == 1 ? 1 : back == 2 ? 0.95 : 0.9);
                }
            }
            for (int back = 1; back <= 3 && i - back >= 0; back++) {
                if (NEGATIONS.contains(words.get(i - back))) {
                    v *= NEGATION_FACTOR;
                    break;
                }
            }
            if (but >= 0) {
                v *= i < but ? 0.5 : i > but ? 1.5 : 1;
            }
            valence[i] = v;
        }

        double sum = 0;
        double positive = 0;
        double negative = 0;
        for (double v : valence) {
            sum += v;
            if (v > 0) {
                positive += v + 1;
            } else if (v < 0) {
                negative += -v + 1;
            }
        }
        long exclamations = text.chars().filter(c -> c == '!').count();
        if (sum != 0) {
            sum += Math.signum(sum) * Math.min(exclamations, 4) * EXCLAMATION_BOOST;
        }
        double compound = Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + ALPHA)));
        double total = positive + negative + neutralWords;
        if (total == 0) {
            return SentimentScore.of(Sentiment.NEUTRAL, 0, 0, 1, 0, NAME);
        }
        double pos = positive / total;
        double neg = negative / total;
        double neu = neutralWords / total;
        double mixed = 2 * Math.min(pos, neg);
        Sentiment label;
        if (Math.min(pos, neg) >= 0.1 && Math.abs(compound) < 0.5) {
            label = Sentiment.MIXED;
        } else if (compound >= 0.05) {
            label = Sentiment.POSITIVE;
        } else if (compound <= -0.05) {
            label = Sentiment.NEGATIVE;
        } else {
            label = Sentiment.NEUTRAL;
        }
        return SentimentScore.of(
                label,
                round(pos - mixed / 2),
                round(neg - mixed / 2),
                round(neu),
                round(mixed),
                NAME);
    }

    @Override
    public void close() {}

    private static String normalize(String token) {
        String t = token.toLowerCase(Locale.ROOT).replace("’", "'");
        int start = 0;
        int end = t.length();
        while (start < end && !Character.isLetterOrDigit(t.charAt(start))) {
            start++;
        }
        while (end > start && !Character.isLetterOrDigit(t.charAt(end - 1))) {
            end--;
        }
        return t.substring(start, end).replace("'", "");
    }

    private static boolean isShouted(String token) {
        return token.length() > 1
                && token.equals(token.toUpperCase(Locale.ROOT))
                && token.chars().anyMatch(Character::isLetter);
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static Map<String, Double> lexicon() {
        Map<String, Double> lex = sharedLexicon;
        if (lex == null) {
            synchronized (LexiconSentimentEngine.class) {
                if (sharedLexicon == null) {
                    sharedLexicon = load();
                }
                lex = sharedLexicon;
            }
        }
        return lex;
    }

    private static Map<String, Double> load() {
        InputStream in = LexiconSentimentEngine.class.getClassLoader().getResourceAsStream(LEXICON);
        if (in == null) {
            throw new IllegalStateException(
                    LEXICON
                            + " is not on the classpath (it comes from"
                            + " com.github.apanimesh061:vader-sentiment-analyzer)");
        }
        Map<String, Double> lex = new HashMap<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] parts = line.split("\t");
                if (parts.length >= 2) {
                    lex.put(
                            parts[0].toLowerCase(Locale.ROOT).replace("'", ""),
                            Double.parseDouble(parts[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lex;
    }
}
