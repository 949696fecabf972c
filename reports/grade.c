#include "reports/grade.h"

#include <string.h>

const char *const grade_names[GRADE_COUNT] = {"A+", "A", "B", "C", "D", "F"};

int grade_rank(const char *grade)
{
    for (int i = 0; grade && i < GRADE_COUNT; i++)
        if (strcmp(grade, grade_names[i]) == 0)
            return i;
    return -1;
}
