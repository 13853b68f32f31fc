# Shortcuts for those who have make; tasks.py needs only python3.
.PHONY: demo test soak
demo:
	python3 tasks.py demo
test:
	python3 tasks.py test
soak:
	python3 tasks.py soak
