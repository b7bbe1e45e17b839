#include "testkit.h"
int main(void){return 0;}
