# Coursework: student copies, the student edition and grading (booktools/coursework.py).
# book/instructors.md explains the three commands and the naming of submissions.
CHAPTER ?=
SUBMISSIONS ?=
GRADES ?= grades.csv
.PHONY: student student-book grade

student: $(STAMP) ## student copies without solutions into student/ (one: CHAPTER=book/NN-slug.ipynb)
	$(BIN)/python -m booktools.coursework student $(CHAPTER)

student-book: $(STAMP) ## the HTML without solutions into _build/student/html (strict build)
	$(BIN)/python -m booktools.coursework student-book

grade: $(STAMP) ## grade submitted notebooks: make grade SUBMISSIONS=folder [GRADES=grades.csv]
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [GRADES=grades.csv]" >&2; exit 2; }
	$(BIN)/python -m booktools.coursework grade "$(SUBMISSIONS)" --out "$(GRADES)"

# `make test` also builds the student edition, strictly (-W -n), and checks it holds no solution.
TEST_EXTRA += student-book
