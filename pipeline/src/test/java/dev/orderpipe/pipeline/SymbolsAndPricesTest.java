package dev.orderpipe.pipeline;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SymbolsAndPricesTest {
    @Test
    void symbolsRoundTrip() {
        for (String s : new String[]{"A", "AAPL", "BRK.B", "ZZZZZZZZ", "0", "9.9"}) {
            long code = Symbols.encode(s);
            assertTrue(Symbols.isValid(code), s);
            assertEquals(s, Symbols.toString(code));
        }
        assertEquals("", Symbols.toString(0));
        assertFalse(Symbols.isValid(0));
    }

    @Test
    void badSymbolsAreRefused() {
        for (String s : new String[]{"", "TOOLONGSY", "aapl", "A-B", "A B"})
            assertThrows(IllegalArgumentException.class, () -> Symbols.encode(s), s);
    }

    @Test
    void pricesAreFixedPointWithFourDecimals() {
        assertEquals(1_892_500, Prices.parse("189.25"));
        assertEquals(1, Prices.parse("0.0001"));
        assertEquals(1_000_000, Prices.parse("100"));
        assertEquals("189.2500", Prices.format(1_892_500));
        assertEquals("0.0001", Prices.format(1));
        assertEquals("", Prices.format(0));
        assertThrows(IllegalArgumentException.class, () -> Prices.parse("1.00001"));
        assertThrows(IllegalArgumentException.class, () -> Prices.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> Prices.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> Prices.parse("abc"));
        assertThrows(IllegalArgumentException.class, () -> Prices.parse("99999999999999999999"));
    }
}
