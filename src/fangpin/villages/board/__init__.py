"""The board half of village work: census rounds and problems, the village rating
(放心村/标杆村), rules, announcements and the village archive."""
