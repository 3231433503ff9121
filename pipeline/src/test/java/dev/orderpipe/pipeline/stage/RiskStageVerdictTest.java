package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The verdicts the WARN line of a restart with a changed risk config names: they must read as different. */
class RiskStageVerdictTest {
    private static OrderInfo checked(OrderType type, String price, int stp, RejectReason reason) {
        return new OrderInfo().action(Action.NEW).orderType(type).price(Prices.parse(price))
                .flags(stp << OrderInfo.STP_SHIFT).rejectReason(reason);
    }

    @Test
    void aChangedRejectReasonIsNamedAlone() {
        OrderInfo written = checked(OrderType.LIMIT, "100", 0, RejectReason.NONE);
        OrderInfo now = checked(OrderType.LIMIT, "100", 0, RejectReason.PRICE_BAND);
        assertEquals("passed", RiskStage.verdict(written, now));
        assertEquals("REJECTED PRICE_BAND", RiskStage.verdict(now, written));
    }

    @Test
    void twoPassesNameTheStampedRulesThatDiffer() {
        // a restart that gave account 3 CANCEL_BOTH and narrowed market protection: both passes, other rules
        OrderInfo written = checked(OrderType.LIMIT, "100", 0, RejectReason.NONE);
        OrderInfo now = checked(OrderType.LIMIT, "100", 3, RejectReason.NONE);
        assertEquals("passed with self-trade prevention NONE", RiskStage.verdict(written, now));
        assertEquals("passed with self-trade prevention CANCEL_BOTH", RiskStage.verdict(now, written));
        OrderInfo marketWritten = checked(OrderType.MARKET, "105", 0, RejectReason.NONE);
        OrderInfo marketNow = checked(OrderType.MARKET, "101", 0, RejectReason.NONE);
        assertEquals("passed with self-trade prevention NONE and MARKET limit 105.0000",
                RiskStage.verdict(marketWritten, marketNow));
        assertEquals("passed with self-trade prevention NONE and MARKET limit 101.0000",
                RiskStage.verdict(marketNow, marketWritten));
    }
}
