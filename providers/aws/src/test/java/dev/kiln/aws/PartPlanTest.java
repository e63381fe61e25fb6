package dev.kiln.aws;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartPlanTest {

    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    @Test
    void aTypicalImageGoesIn16MiBPartsEightAtATime() {
        PartPlan plan = PartPlan.forBound(PartPlan.vmdkBound(431 * MIB, 2 * GIB), 8);

        assertThat(plan).isEqualTo(new PartPlan(16 * MIB, 8, 9));
    }

    @Test
    void partsGrowSoThatAHugeImageStillFitsIn10000Parts() {
        long bound = PartPlan.vmdkBound(2048 * GIB, 4096 * GIB);
        PartPlan plan = PartPlan.forBound(bound, 8);

        assertThat(plan.partSize() % MIB).isZero();
        assertThat((bound + plan.partSize() - 1) / plan.partSize()).isLessThanOrEqualTo(10_000);
        assertThat(plan.buffers()).isEqualTo(2);
        assertThat(plan.parallel()).isEqualTo(1);
    }

    @Test
    void partBuffersStayWithinTheMemoryBudget() {
        for (long data = GIB; data <= 1024 * GIB; data *= 2) {
            PartPlan plan = PartPlan.forBound(PartPlan.vmdkBound(data, data), 8);
            assertThat(plan.buffers() * plan.partSize()).as("%d GiB", data >> 30).isLessThanOrEqualTo(PartPlan.MEMORY);
            assertThat(plan.buffers()).isEqualTo(plan.parallel() + 1);
        }
    }

    @Test
    void anObjectBeyond10000PartsOf1GiBIsRefusedBeforeAnyUpload() {
        assertThatThrownBy(() -> PartPlan.forBound(11_000 * GIB, 8)).isInstanceOf(KilnException.class)
                .hasMessageContaining("10,000 parts").hasMessageContaining("ebs-direct");
    }

    @Test
    void theVmdkBoundCoversIncompressibleData() {
        // every 64 KiB grain stored: at most 65,536 + deflate's stored-block overhead + marker, in sectors
        long grains = 431 * MIB / 65536;
        long worst = grains * ((12 + 65536 + 5 * 2 + 6 + 511) / 512 * 512);
        assertThat(PartPlan.vmdkBound(431 * MIB, 2 * GIB)).isGreaterThan(worst);
    }
}
