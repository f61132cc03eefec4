/* The stub core's main: setup() once, loop() once, so a sketch prints one round and exits. */
#include "Arduino.h"

#include <time.h>

StubSerial Serial;

unsigned long micros(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (unsigned long)t.tv_sec * 1000000UL + (unsigned long)(t.tv_nsec / 1000);
}

void delay(unsigned long) {}

int main() {
  setup();
  loop();
  return 0;
}
