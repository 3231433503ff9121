package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Side;

/** The operator's view of a {@link MatchingEngine}'s books: a readable text, one line per book. */
public final class BookSummary {
    private BookSummary() {
    }

    /**
     * A multi-line summary of every book, in configuration order: resting orders, levels per side, best bid and ask
     * with their quantity, trades. Allocates: for operators, at the end of a run.
     */
    public static String of(MatchingEngine engine) {
        OrderBooks books = engine.books();
        StringBuilder sb = new StringBuilder(128 + books.bookCount() * 128);
        sb.append("matching: ").append(books.openOrders()).append(" resting orders, ").append(engine.trades())
                .append(" trades\n");
        for (int book = 0; book < books.bookCount(); book++) {
            long symbol = books.symbol(book);
            sb.append("  ").append(Symbols.toString(symbol)).append(": ")
                    .append(books.openOrders(symbol)).append(" resting, ")
                    .append(books.priceLevels(symbol, Side.BUY)).append(" bid / ")
                    .append(books.priceLevels(symbol, Side.SELL)).append(" ask levels, best ");
            appendBest(sb, books.bestBid(symbol), books.bestBidQty(symbol));
            sb.append(" / ");
            appendBest(sb, books.bestAsk(symbol), books.bestAskQty(symbol));
            sb.append(", ").append(engine.trades(symbol)).append(" trades\n");
        }
        return sb.toString();
    }

    private static void appendBest(StringBuilder sb, long price, long qty) {
        if (price == 0) {
            sb.append('-');
            return;
        }
        sb.append(qty).append(" @ ");
        Prices.appendTo(sb, price);
    }
}
