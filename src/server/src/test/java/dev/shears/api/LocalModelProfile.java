package dev.shears.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** Runs Shears with the tiny exported decoder as its local language model. */
public class LocalModelProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(TinyDecoderResource.class));
    }
}
