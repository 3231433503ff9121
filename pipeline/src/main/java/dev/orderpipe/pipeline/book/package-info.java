/**
 * The matching stage's order book: a continuous limit order book per configured symbol with price-time priority.
 * {@link dev.orderpipe.pipeline.book.MatchingEngine} applies the rules below and writes execution reports to a
 * {@link dev.orderpipe.pipeline.book.ReportSink}; {@link dev.orderpipe.pipeline.book.OrderBooks} stores the resting
 * orders and price levels it works on (and checks its own invariants); {@link dev.orderpipe.pipeline.book.BookSummary}
 * describes the books to an operator.
 *
 * <h2>Rules (from the issue)</h2>
 * <ul>
 *     <li>An incoming order trades against the best opposite price while prices cross; each fill is at the resting
 *     order's price and gives two TRADE reports, the aggressor's first, then the resting order's.</li>
 *     <li>LIMIT GTC and LIMIT DAY: the remainder rests (one time-priority queue for both; a DAY order rests until
 *     its session's close, a GTC order across sessions). LIMIT IOC: the remainder is EXPIRED. FOK: unless the whole
 *     quantity can trade at once, the order is EXPIRED without trading. MARKET trades up to its protection limit and
 *     never rests: the remainder is EXPIRED whatever its time in force (MARKET FOK is all-or-nothing; MARKET GTC or
 *     DAY is treated as IOC, as venues do).</li>
 *     <li>Every accepted order gets a NEW report before its trades.</li>
 *     <li>CANCEL removes the rest of a live order (CANCELED); REPLACE sets a new price and total quantity (REPLACED).
 *     A lower quantity at the same price keeps time priority; a price change or a larger quantity sends the order to
 *     the back of its new level, and if it now crosses it trades at once. A new quantity at or below the filled
 *     quantity ends the order (CANCELED). CANCEL or REPLACE of an unknown or finished order: REJECTED
 *     {@code UNKNOWN_ORDER}.</li>
 *     <li>Records already rejected by ingress or risk pass through as one REJECTED report with the same reason and
 *     line error, so every input is accounted for exactly once.</li>
 *     <li>Capacity (resting orders, price levels per side) comes from config; a full book rejects with
 *     {@code BOOK_FULL}.</li>
 *     <li><b>Market protection</b>: a MARKET order never trades beyond its protection limit (its symbol's refPrice
 *     +- marketProtectionPercent, the price band by default), which risk stamps into its price; its rest
 *     is EXPIRED, with reason {@code MARKET_PROTECTION} when resting orders beyond the limit were left alone (also a
 *     MARKET FOK that could fill only beyond it), without one when the side simply ran out.</li>
 *     <li><b>Self-trade prevention</b>, opt-in per account (risk stamps the account's mode into each order it
 *     passes, so matching's reports depend on its input alone): when the aggressor meets a resting order of its own
 *     account, CANCEL_RESTING cancels the resting order and goes on, CANCEL_INCOMING cancels the aggressor's rest and
 *     leaves the resting order, CANCEL_BOTH does both; each CANCELED report carries the mode's reason, the
 *     aggressor's first. A FOK counts only orders it may trade, and stops at its own order under CANCEL_INCOMING or
 *     CANCEL_BOTH; an order that self-trade prevention would cancel before it rests needs no room (never BOOK_FULL).
 *     A REPLACE that moves an order into its own account's order is treated as an aggressor like a NEW.</li>
 *     <li><b>No overflow.</b> A level's open quantity is kept in 128 bits, so any number of orders of any 64-bit
 *     quantity is judged exactly (a FOK against two orders of 5e18 on one level).</li>
 *     <li>Sessions: a SESSION_CLOSE that risk accepted (or the first SESSION_OPEN, which ends the implicit session
 *     that runs until the first session event) EXPIRES every resting DAY order with reason {@code END_OF_DAY}, book
 *     by book in config order, bids then asks, best price first, in time priority; GTC orders keep their place. The
 *     event's own report ({@code SESSION_OPEN} or {@code SESSION_CLOSE}, the trading date in {@code quantity}, no
 *     order) comes last. A NEW with the (account, id) of an order resting from an earlier session is REJECTED
 *     {@code DUPLICATE_ORDER_ID} while that order lives (risk's own table holds only the session's ids). Whether an
 *     order may be entered at all (between sessions) is risk's to decide.</li>
 * </ul>
 *
 * <h2>Choices made where the issue is silent</h2>
 * <ol>
 *     <li><b>Report fields.</b> {@code price} is the order's current limit price (0 for MARKET), {@code quantity}
 *     its current total quantity, {@code action} the input's action (so the resting side of a trade caused by a
 *     REPLACE says REPLACE). Resting orders are always LIMIT, GTC or DAY, and their reports say which.</li>
 *     <li><b>Statuses.</b> NEW and REPLACED reports have status NEW when nothing is filled yet, otherwise
 *     PARTIALLY_FILLED; TRADE reports PARTIALLY_FILLED or FILLED; CANCELED, EXPIRED and REJECTED reports have
 *     {@code leavesQty} 0. CANCELED and EXPIRED keep the order's {@code cumQty}.</li>
 *     <li><b>FOK/IOC/MARKET that cannot trade</b> are still accepted first: NEW, then EXPIRED (never REJECTED), so
 *     an order that passed risk always shows NEW.</li>
 *     <li><b>Rejected requests change nothing.</b> A REJECTED report is about the request: it copies the input's
 *     fields, has {@code leavesQty} and {@code cumQty} 0, and a live order named by a rejected CANCEL or REPLACE stays
 *     exactly as it was (price, quantity, time priority).</li>
 *     <li><b>Order ids are per account.</b> An order is named by its (account, order id) pair: two accounts' orders
 *     with one id are two orders, and a CANCEL or REPLACE is looked up by its own account and id, so it can reach only
 *     its account's order. Naming another account's live id gives exactly the report an id never used gives
 *     ({@code UNKNOWN_ORDER}, echoing the request), so an account learns nothing about other accounts' ids. A CANCEL
 *     with no account names no order ({@code UNKNOWN_ORDER}).</li>
 *     <li><b>CANCEL/REPLACE must name the live order's symbol and side.</b> A REPLACE whose symbol or side differs
 *     from the live order's is REJECTED {@code UNKNOWN_ORDER}, as is such a CANCEL; a CANCEL may leave symbol and side
 *     empty (the order file allows it).</li>
 *     <li><b>REPLACE changes only price and quantity.</b> Only LIMIT GTC and DAY orders rest, so a REPLACE must say
 *     LIMIT with the live order's time in force and a price; a REPLACE asking for MARKET or another time in force
 *     (IOC, FOK, or GTC for a DAY order and DAY for a GTC one) is REJECTED {@code MALFORMED} and the order is
 *     unchanged. (MARKET/IOC/FOK orders never rest, so a REPLACE naming one finds no live order: UNKNOWN_ORDER.)</li>
 *     <li><b>REPLACE to the same price and the same quantity</b> is accepted (REPLACED) and keeps priority.</li>
 *     <li><b>REPLACE that ends the order</b> (new quantity at or below the filled quantity) reports CANCELED with the
 *     order's price and quantity as they were (so {@code quantity >= cumQty} always holds) and action REPLACE.</li>
 *     <li><b>BOOK_FULL is decided up front</b>, before any report for the order: a LIMIT GTC or DAY order (or a
 *     REPLACE that moves an order) is rejected when its quantity cannot all trade at once and, after the trades it
 *     would make, the book would have no slot for it ({@code maxOpenOrders}, across all books) or no level for its
 *     price ({@code maxPriceLevels} on its side of its book). Room its own trades free counts, and an order that would
 *     trade in full is never refused. MARKET, IOC and FOK orders never rest, so they are never BOOK_FULL. A replaced
 *     order leaving a level of its own frees that level for its new price. A REPLACE refused BOOK_FULL leaves the
 *     order where it was.</li>
 *     <li><b>Self-trade prevention is per account, of the aggressor's account</b> (both orders are that account's).
 *     Canceled orders are CANCELED, not EXPIRED: the engine ends them on the account's standing instruction. A MARKET
 *     aggressor canceled this way is CANCELED too, not EXPIRED.</li>
 *     <li><b>CANCEL may repeat type and time in force</b>: when given, they must be the live order's (LIMIT and its
 *     GTC or DAY), as symbol and side must; otherwise {@code UNKNOWN_ORDER}.</li>
 *     <li><b>Defensive checks.</b> The engine trusts risk but never a record enough to crash on it: an unknown
 *     symbol is REJECTED {@code UNKNOWN_SYMBOL}; a record with no action, id &lt;= 0, no side/type/tif, a
 *     non-positive quantity, a negative price or a LIMIT order without one is REJECTED {@code MALFORMED}; a NEW whose
 *     (account, id) is live in the book is REJECTED {@code DUPLICATE_ORDER_ID} (risk catches reuse of finished ids
 *     too; the book only knows live ones).</li>
 *     <li><b>Determinism.</b> No clock, no hash-iteration order, no randomness: the reports (every field but the
 *     stage's timestamps) are a pure function of the input sequence, and slots are handed out in a fixed order, so
 *     re-feeding the inputs to a fresh engine rebuilds the same book.</li>
 * </ol>
 */
package dev.orderpipe.pipeline.book;
