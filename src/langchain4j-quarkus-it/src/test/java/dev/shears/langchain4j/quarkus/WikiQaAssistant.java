package dev.shears.langchain4j.quarkus;

import io.quarkiverse.langchain4j.RegisterAiService;

@RegisterAiService(retrievalAugmentor = ShearsBeans.Augmentor.class, chatLanguageModelSupplier = ShearsBeans.Chat.class)
public interface WikiQaAssistant {
    String answer(String question);
}
