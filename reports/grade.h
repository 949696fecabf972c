/* The grades of the STORE scorecard, best first: A+ A B C D F; and "incomplete". */
#ifndef STORECHECK_REPORTS_GRADE_H
#define STORECHECK_REPORTS_GRADE_H

enum { GRADE_COUNT = 6 };

/* The grade of a group, or overall, while checks that could not decide might lower it. */
#define GRADE_INCOMPLETE "incomplete"

/* "A+" .. "F", best first. */
extern const char *const grade_names[GRADE_COUNT];

/* Rank of a grade, 0 for "A+" up to 5 for "F"; -1 for anything else (NULL too). */
int grade_rank(const char *grade);

#endif
