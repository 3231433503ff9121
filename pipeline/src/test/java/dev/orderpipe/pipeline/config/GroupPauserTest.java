package dev.orderpipe.pipeline.config;

import net.openhft.chronicle.threads.BusyPauser;
import net.openhft.chronicle.threads.BusyTimedPauser;
import net.openhft.chronicle.threads.LongPauser;
import net.openhft.chronicle.threads.MilliPauser;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.threads.YieldingPauser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupPauserTest {
    /** Whether Chronicle builds its sleepy shape for balanced here (fewer than pauser.minProcessors CPUs). */
    private static final boolean SMALL = Pauser.SLEEPY;

    private static StageGroupConfig group(String pauser, int maxPauseMicros) {
        StageGroupConfig g = new StageGroupConfig();
        g.name = "g";
        g.stages.addAll(PipelineConfig.STAGES);
        g.pauser = pauser;
        g.maxPauseMicros = maxPauseMicros;
        return g;
    }

    private static GroupPauser pauser(String mode) {
        return GroupPauser.of(group(mode, StageGroupConfig.DEFAULT_MAX_PAUSE_MICROS), "groups[0]");
    }

    @Test
    void theSpinningPausersSpinWhateverTheNumberOfCpus() {
        GroupPauser busy = pauser("busy");
        assertSame(BusyPauser.INSTANCE, busy.create());
        assertTrue(busy.create().isBusy());
        assertTrue(busy.spins());
        assertEquals("busy (spin)", busy.toString());
        assertTrue(pauser("timedBusy").create() instanceof BusyTimedPauser);
        assertTrue(pauser("timedBusy").spins());
        assertEquals("timedBusy (spin)", pauser("timedBusy").toString());
        assertTrue(pauser("yielding").create() instanceof YieldingPauser);
        assertTrue(pauser("yielding").spins());
        assertEquals("yielding (spin, then yield)", pauser("yielding").toString());
        // why: below pauser.minProcessors (4) CPUs Chronicle's own factories hand out a sleeping pauser instead
        if (SMALL) {
            assertFalse(Pauser.busy().isBusy(), "Chronicle's Pauser.busy() on a machine with fewer than 4 CPUs");
            assertTrue(Pauser.yielding() instanceof LongPauser, "Chronicle's Pauser.yielding() sleeps here");
        }
    }

    @Test
    void balancedAndSleepyBackOffToSleepsBoundedByMaxPauseMicros() {
        GroupPauser balanced = pauser("balanced");
        assertFalse(balanced.spins());
        Pauser built = balanced.create();
        assertTrue(built instanceof LongPauser, built.getClass().getName());
        assertFalse(built.isBusy());
        if (SMALL) {
            assertEquals("balanced (yield 50 us, then sleep 500..1000 us)", balanced.toString());
            // Chronicle's own name for what it was given: its balanced pauser of this machine, bounded at 1 ms
            assertEquals("Pauser.balancedUpToMillis(1)", built.toString());
            // which Chronicle's own factory cannot build here: below 4 CPUs it ignores the bound and goes up to 20 ms
            assertEquals(Pauser.sleepy().toString(), Pauser.balancedUpToMillis(1).toString());
        } else {
            assertEquals("balanced (spin " + Pauser.MIN_BUSY + " us, then sleep 200..1000 us)", balanced.toString());
        }

        GroupPauser sleepy = GroupPauser.of(group("sleepy", 20_000), "groups[0]");
        assertEquals("sleepy (yield 50 us, then sleep 500..20000 us)", sleepy.toString());
        assertEquals(Pauser.sleepy().toString(), sleepy.create().toString(), "up to 20 ms: Chronicle's own sleepy");
        // a bound below the first sleep makes every sleep that long
        GroupPauser short_ = GroupPauser.of(group("sleepy", 100), "groups[0]");
        assertEquals("sleepy (yield 50 us, then sleep 100 us)", short_.toString());
        assertEquals(new LongPauser(0, 50, 100, 100, TimeUnit.MICROSECONDS).toString(), short_.create().toString());
    }

    @Test
    void milliSleepsAMillisecond() {
        GroupPauser milli = pauser("milli");
        assertTrue(milli.create() instanceof MilliPauser);
        assertEquals(1, ((MilliPauser) milli.create()).pauseTimeMS());
        assertEquals("milli (sleep 1000 us)", milli.toString());
        assertFalse(milli.spins());
    }

    @Test
    void eachGroupGetsAPauserOfItsOwn() {
        GroupPauser balanced = pauser("balanced");
        assertFalse(balanced.create() == balanced.create(), "a LongPauser keeps the state of one thread's back-off");
    }

    @Test
    void maxPauseMicrosIsRefusedWhereNothingBacksOffAndOutOfItsRange() throws IOException {
        for (String mode : new String[]{"busy", "timedBusy", "yielding", "milli"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> GroupPauser.of(group(mode, 500), "groups[1]"));
            assertEquals("groups[1].maxPauseMicros 500 bounds the back-off of a balanced or sleepy pauser, and this"
                    + " group's pauser is " + mode + ": remove it", e.getMessage());
        }
        // the default value is no setting: a busy group may carry it
        assertEquals("busy (spin)", pauser("busy").toString());

        String yaml = PipelineConfigTest.defaultYaml();
        ConfigException e = assertThrows(ConfigException.class, () -> PipelineConfig.parse(yaml.replace(
                "pauser: balanced, maxPauseMicros: 1000", "pauser: busy, maxPauseMicros: 250"), "test.yaml"));
        assertEquals("test.yaml: groups[0].maxPauseMicros 250 bounds the back-off of a balanced or sleepy pauser, and"
                + " this group's pauser is busy: remove it", e.getMessage());
        StageGroupConfig g = PipelineConfig.loadDefault().groups.get(0);
        g.maxPauseMicros = 9;
        PipelineConfig config = PipelineConfig.loadDefault();
        config.groups.set(0, g);
        e = assertThrows(ConfigException.class, config::validate);
        assertEquals("groups[0].maxPauseMicros must be 10..1000000 (longest sleep of a balanced or sleepy group,"
                + " microseconds), was 9", e.getMessage());
        g.maxPauseMicros = 1_000_000;
        config.validate();
    }

    @Test
    void theEmbeddedDefaultsGroupAsItRunsHere() {
        EffectiveGroup g = EffectiveGroup.of(PipelineConfig.loadDefault()).get(0);
        assertEquals("pipeline", g.name);
        assertEquals(PipelineConfig.STAGES, g.stages);
        assertEquals(-1, g.cpu);
        assertEquals(pauser("balanced").toString(), g.pauser);
        assertEquals("pipeline: ingress risk matching egress; pauser " + g.pauser + "; unpinned", g.describe());
    }
}
