/*
 * A host stand-in for the Arduino core, only for the tests: just enough of Serial, micros() and
 * delay() to build a generated example sketch with the host g++ and read what it prints.
 * Serial writes to stdout (with "\n", not the board's "\r\n"); delay() returns at once.
 * Build: g++ -std=c++11 -x c++ sketch.ino main.cpp -I <this folder> -I <library>/src ...
 */
#ifndef ARDUINO_STUB_H
#define ARDUINO_STUB_H

#include <stdint.h>
#include <stdio.h>

class StubSerial {
 public:
  void begin(unsigned long) {}
  void print(const char *s) { fputs(s, stdout); }
  void print(int v) { printf("%d", v); }
  void print(long v) { printf("%ld", v); }
  void print(unsigned long v) { printf("%lu", v); }
  /* Arduino prints a double with a fixed number of decimals (2 by default). */
  void print(double v, int digits = 2) { printf("%.*f", digits, v); }
  template <typename T>
  void println(T v) {
    print(v);
    fputs("\n", stdout);
  }
  void println(double v, int digits) {
    print(v, digits);
    fputs("\n", stdout);
  }
};

extern StubSerial Serial;

unsigned long micros(void);
void delay(unsigned long ms);

void setup(void);
void loop(void);

#endif /* ARDUINO_STUB_H */
