package io.mongoditto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class RunStatusLineTest {

  @Test
  void theTimeKeepsItsSecondsOnTheMinute() {
    assertEquals("12:05:00", RunCommand.timeOfDay(LocalTime.of(12, 5)));
    assertEquals("12:05:07", RunCommand.timeOfDay(LocalTime.of(12, 5, 7, 900_000_000)));
    assertEquals("09:00:00", RunCommand.timeOfDay(LocalTime.of(9, 0)));
  }
}
